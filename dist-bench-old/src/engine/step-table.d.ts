/**
 * A map from non-negative integer keys (below 2^53) to a small value (0 to 255), cleared in
 * constant time and without allocating: the evaluator clears its per-subject tables on almost
 * every check, and a `Map` allocates a new backing table on each `clear()` and as it grows, which
 * showed up as garbage-collection time on the check path. Open addressing with linear probing;
 * an entry is live when its stamp equals the current epoch, so `clear()` only moves the epoch.
 */
export declare class StepTable {
    #private;
    constructor(capacity?: number);
    get size(): number;
    clear(): void;
    /** The value stored for `key`, or -1. */
    get(key: number): number;
    has(key: number): boolean;
    set(key: number, value: number): void;
}
