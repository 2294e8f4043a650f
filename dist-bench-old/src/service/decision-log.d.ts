import type { CheckRequest } from "../engine/engine.js";
import type { Revision, Store } from "../store/store.js";
/** How the decision log records checks; every field has a default (`DECISION_LOG_DEFAULTS`). */
export interface DecisionLogOptions {
    /** The fraction of checks recorded, 0 to 1 (1: every check), or `"off"`. */
    readonly sample?: number | "off";
    /** Records older than this many days are purged. */
    readonly retention?: number;
    /** How long a recorded check waits in memory before it is written, at most. */
    readonly flushIntervalMs?: number;
    /** Checks held in memory at most; beyond that new ones are dropped (and counted), never waited for. */
    readonly maxBuffer?: number;
    /** How often old records are purged, while the process runs. */
    readonly purgeIntervalMs?: number;
}
/**
 * Every check recorded, kept a month (long enough to answer "who used this access during the
 * incident?" for an incident noticed weeks later); a second's delay; 100,000 checks of slack.
 */
export declare const DECISION_LOG_DEFAULTS: {
    readonly sample: 1;
    readonly retention: 30;
    readonly flushIntervalMs: 1000;
    readonly maxBuffer: 100000;
    readonly purgeIntervalMs: number;
};
export interface DecisionLogStats {
    /** Checks written to the store. */
    readonly recorded: number;
    /** Checks not recorded because the buffer was full. */
    readonly dropped: number;
    /** Checks lost because the store refused or failed the write. */
    readonly failed: number;
    /** Checks waiting in memory. */
    readonly buffered: number;
    readonly lastError: string | null;
}
/** Checks the options, naming the bad one, and fills in defaults; `off` becomes a sample of 0. */
export declare function decisionLogSettings(options?: DecisionLogOptions): Required<DecisionLogOptions> & {
    sample: number;
};
/**
 * The decision log's writer, a check observer. `observe` runs on the check path, so it only
 * appends four references and a number to arrays that are preallocated in spirit (no object, no
 * string is built per check); a timer turns them into records and writes them to the store in
 * batches. When the store is slower than the checks the buffer fills and checks are dropped and
 * counted rather than slowing anyone down. Request objects are kept by reference until written:
 * they are `readonly` and no caller of `Gatehouse.check` changes one after asking.
 */
export declare class DecisionLog {
    #private;
    constructor(store: Store, options?: DecisionLogOptions, clock?: () => number);
    get settings(): Readonly<ReturnType<typeof decisionLogSettings>>;
    observe(tenant: string, request: CheckRequest, allowed: boolean, revision: Revision): void;
    /** Writes everything buffered so far; resolves once it is in the store (or counted as failed). */
    flush(): Promise<void>;
    /** Deletes records older than the retention window; returns how many. */
    purge(): Promise<number>;
    stats(): DecisionLogStats;
    /** Stops the timers and writes what is left; later checks are dropped. */
    close(): Promise<void>;
}
