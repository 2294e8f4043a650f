import type { NewAuditRecord } from "./change-records.js";
/**
 * What the store keeps of shadow evaluation: the session (which candidate, since when, by
 * whom) and what every process observed while it ran. Processes add their observations as
 * increments, so the counts of several nodes (and of one-shot CLI checks) add up.
 */
/** `would_block`: the active schema allows, the candidate denies; `would_allow`: the reverse. */
export type Direction = "would_block" | "would_allow";
/** Distinct divergent checks kept per session; past this, only counts grow (the report says so). */
export declare const SHADOW_SAMPLE_LIMIT = 10000;
export interface ShadowSession {
    /** 1, 2, 3 ... in the order started, store-wide. */
    readonly id: number;
    /** The planned model change whose schema is the candidate. */
    readonly changeId: number;
    /** The candidate schema's text, as it was when the session started. */
    readonly schema: string;
    readonly startedAt: string;
    readonly startedBy: string;
    readonly stoppedAt: string | null;
    readonly stoppedBy: string | null;
    /** Checks observed by every process so far. */
    readonly checks: number;
    /** Distinct divergent checks kept (at most `SHADOW_SAMPLE_LIMIT`). */
    readonly kept: number;
    /** True once a divergent check was seen that could not be kept. */
    readonly truncated: boolean;
}
/** One distinct check whose answer differs under the candidate. */
export interface DivergentCheck {
    readonly tenant: string;
    /** `type:id` */
    readonly resource: string;
    readonly permission: string;
    /** `type:id` or `type:id#relation` */
    readonly subject: string;
    /** The answer given (the active schema's). */
    readonly active: boolean;
    readonly candidate: boolean;
    readonly count: number;
}
/** Divergences counted by tenant, permission (`type#permission`) and direction. */
export interface DivergenceCount {
    readonly tenant: string;
    readonly permission: string;
    readonly direction: Direction;
    readonly count: number;
}
/** What one process observed since its last flush: increments, never absolute values. */
export interface ShadowTally {
    readonly checks: number;
    /** Every divergence observed, counted (these always reach the counts). */
    readonly counts: readonly DivergenceCount[];
    /** The distinct divergent checks observed; kept while the session has room. */
    readonly divergences: readonly DivergentCheck[];
    /** Set when the process itself had to drop distinct checks (its buffer was full). */
    readonly dropped: boolean;
}
export interface ShadowObservations {
    readonly session: ShadowSession;
    /** Ordered by tenant, permission, direction. */
    readonly counts: readonly DivergenceCount[];
    /** Ordered by tenant, permission, resource, subject. */
    readonly divergences: readonly DivergentCheck[];
}
export interface ShadowStore {
    /**
     * Starts a session with its audit record (target `change:<id>`) in one transaction. Only one
     * session runs at a time: another running one is a `conflict`.
     */
    startShadow(input: {
        changeId: number;
        schema: string;
        actor: string;
    }, audit: NewAuditRecord): Promise<ShadowSession>;
    /** Stops the running session, with its audit record; none running is `not_found`. */
    stopShadow(actor: string, audit: NewAuditRecord): Promise<ShadowSession>;
    /** The running session, if any. */
    runningShadow(): Promise<ShadowSession | undefined>;
    /** A session by id, or (without one) the newest, running or stopped. */
    getShadow(id?: number): Promise<ShadowSession | undefined>;
    /** Adds one process's observations to a session, in one transaction. */
    addShadowTally(sessionId: number, tally: ShadowTally): Promise<void>;
    /** A session with everything observed in it; an unknown id is `not_found`. */
    readShadow(sessionId: number): Promise<ShadowObservations>;
}
