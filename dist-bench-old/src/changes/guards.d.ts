import type { AccessRow } from "../engine/access-diff.js";
import { type Relationship } from "../model/relationship.js";
import type { Intent } from "../store/change-records.js";
/**
 * Guards are rules over a plan. A failing guard blocks the apply unless someone other than the
 * author approves.
 */
export type Guard = {
    readonly name: string;
    readonly kind: "access-neutral";
    readonly intents: readonly Intent[];
} | {
    readonly name: string;
    readonly kind: "max-loss" | "max-gain";
    readonly subjects?: number;
    readonly resources?: number;
} | {
    readonly name: string;
    readonly kind: "subset";
    readonly resourceType: string;
    readonly permission: string;
    readonly of: string;
} | {
    readonly name: string;
    readonly kind: "assertions";
    readonly tenant?: string;
    readonly assertTrue: readonly Relationship[];
    readonly assertFalse: readonly Relationship[];
};
export interface GuardResult {
    readonly name: string;
    readonly kind: Guard["kind"];
    readonly passed: boolean;
    readonly message: string;
}
/** In force until someone writes guards: cleanups and merges must not change anyone's access. */
export declare const DEFAULT_GUARDS: readonly Guard[];
/** Reads a guards file (`guards: [...]`), reporting every problem with its line. */
export declare function parseGuards(text: string, file?: string): Guard[];
/** The guards that only need the plan's rows. */
export declare function evaluateRowGuard(guard: Extract<Guard, {
    kind: "access-neutral" | "max-loss" | "max-gain";
}>, intent: Intent, gained: readonly AccessRow[], lost: readonly AccessRow[]): GuardResult;
