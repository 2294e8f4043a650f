/** Checks of arguments the store's queries take, beyond tuples (`tuple-rows.ts`). */
export declare function checkLimit(limit: number, field: string): number;
/** Any whole number may be looked up (an unknown one is simply not found); anything else is malformed. */
export declare function checkId(id: number, field: string): number;
export declare function checkText(value: unknown, field: string, options?: {
    nullable?: boolean;
}): void;
export declare function checkTime(value: string, field: string): string;
/** JSON text for a column; a value JSON cannot hold (a BigInt, a cycle) is an input error. */
export declare function jsonText(value: unknown, field: string): string | null;
