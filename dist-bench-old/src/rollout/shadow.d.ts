import type { CheckRequest, Engine } from "../engine/engine.js";
import type { ChangeRecord } from "../store/change-records.js";
import { type Direction, type ShadowSession } from "../store/shadow-records.js";
import type { Revision, Store } from "../store/store.js";
import { type DivergenceReport } from "./divergence-report.js";
export interface ShadowReport extends DivergenceReport {
    readonly session: number;
    readonly running: boolean;
    readonly startedBy: string;
    readonly stoppedBy: string | null;
}
/** What this process has observed since it started, for its metrics. */
export interface ShadowStats {
    readonly running: boolean;
    /** Checks observed while a session ran. */
    readonly checks: number;
    /** Of those, the checks evaluated a second time (their permission can differ). */
    readonly evaluated: number;
    /** Checks of a changed permission not compared: the data moved, and the answer with it, first. */
    readonly moved: number;
    /** Divergences by direction and permission (`type#permission`). */
    readonly divergences: ReadonlyMap<string, {
        direction: Direction;
        permission: string;
        count: number;
    }>;
}
/**
 * Shadow evaluation in one process. While a session runs (in the store, so that every process
 * and node sees it), every answered check is also evaluated under the candidate schema and each
 * difference is counted; the answer given is always the active schema's.
 *
 * Only checks of members whose answers can differ (`changedMembers`: their definition changed,
 * or they depend on one that did) are evaluated again; every other check answers the same by
 * construction. The second evaluation is queued and runs right after, a few milliseconds of
 * work at a time, so the caller does not wait for it. It is exact when the tenant's data did not
 * move meanwhile (its index version says so; the queue drains within milliseconds, so this is
 * the usual case). When a write moved it, the pair is compared on the new data only if the
 * answer given still holds there, and otherwise counted as `moved`, never as a divergence. A
 * full queue makes the caller evaluate at once instead. Checks of tenants in a staged rollout are
 * not observed: a rollout's candidate answered them, not the active schema the session compares.
 *
 * Observations are kept in memory and added to the store every second (and at close), off the
 * hot path, as increments, so several processes add up.
 */
export declare class Shadow {
    #private;
    constructor(store: Store, engine: Engine);
    /** Learns whether a session runs, then follows starts and stops (about once a second). */
    open(): Promise<void>;
    /** Stops following and adds what is still pending to the store. */
    close(): Promise<void>;
    get running(): ShadowSession | undefined;
    stats(): ShadowStats;
    /** Reads which session runs now; a stopped or replaced one is flushed first. */
    refresh(): Promise<void>;
    /** Sees one answered check; see the class comment for why the second evaluation runs here. */
    observe(tenant: string, request: CheckRequest, allowed: boolean, _revision: Revision, rolledOut: boolean): void;
    /** Adds the pending observations to the store; on failure they stay pending for the next try. */
    flush(): Promise<void>;
    /**
     * Starts shadow evaluation of a model change's schema. The change must be open (not applied,
     * reverted, rejected or stale) and carry a schema that compiles.
     */
    start(changeId: number, options: {
        actor: string;
        reason?: string | undefined;
    }): Promise<ShadowSession>;
    stop(options: {
        actor: string;
        reason?: string | undefined;
    }): Promise<ShadowSession>;
    /** The report of a session (default: the running one, else the newest), with this process's counts in it. */
    report(options?: {
        session?: number | undefined;
    }): Promise<ShadowReport>;
}
/** The schema a model change proposes; a change without one, or one no longer open, is refused. */
export declare function candidateSchemaOf(change: ChangeRecord): string;
