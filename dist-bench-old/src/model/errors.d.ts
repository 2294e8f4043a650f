/**
 * Errors are data with a place. Every failure a user can cause is a `GatehouseError` with a
 * `kind` that the surfaces translate once: the CLI into an exit code, the HTTP API into a status.
 * Anything else that escapes is an internal error, shown without its detail.
 */
export type ErrorKind = 
/** The command line or request was malformed (unknown flag, missing argument). */
"usage"
/** The input was read but is wrong: a bad tuple, schema, file or field. Nothing was written. */
 | "input"
/** A named thing (tenant, change, revision) does not exist. */
 | "not_found"
/** The request is well formed but conflicts with the current state (stale plan, duplicate). */
 | "conflict"
/** A guard or approval rule refuses the operation. */
 | "refused"
/** The answer cannot be given yet (a revision not reached); retrying may succeed. */
 | "unavailable"
/** Evaluation hit a limit (depth), which is a property of the data, not a bug. */
 | "limit" | "internal";
/** Where in the user's input a problem is: a file position, a field, or both. */
export interface Place {
    file?: string;
    /** 1-based */
    line?: number;
    /** 1-based */
    column?: number;
    /** A field or path inside a structured input, e.g. `write[2]`. */
    field?: string;
    /** The source line the position points into, for a caret display. */
    snippet?: string;
}
export declare class GatehouseError extends Error {
    readonly kind: ErrorKind;
    readonly place: Place | undefined;
    /** When one input had several problems, each of them (the message summarises). */
    readonly details: readonly GatehouseError[];
    constructor(kind: ErrorKind, message: string, place?: Place, details?: readonly GatehouseError[]);
    /** `file:line:column: message` followed by the source line and a caret, as compilers print. */
    describe(): string;
}
export declare function formatPlace(place: Place): string;
export declare function inputError(message: string, place?: Place): GatehouseError;
/** Gathers every problem of one input so that all are reported together, then throws once. */
export declare class Diagnostics {
    readonly errors: GatehouseError[];
    add(message: string, place?: Place): void;
    get ok(): boolean;
    /** Throws the problems in the order they stand in the input (errors without a line last). */
    throwIfAny(summary: string): void;
}
