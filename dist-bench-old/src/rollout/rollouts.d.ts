import type { Changes } from "../changes/lifecycle.js";
import type { CheckRequest, Engine } from "../engine/engine.js";
import type { CompiledSchema } from "../schema/compiled.js";
import type { MonitorSettings, RolloutRecord } from "../store/rollout-records.js";
import type { Store } from "../store/store.js";
import { DenyRateMonitor, type PermissionWindow } from "./monitor-deny-rate.js";
/** Which schema answered: the active version, or the candidate of the change being rolled out. */
export type SchemaAnswer = {
    readonly version: number;
} | {
    readonly candidate: number;
};
export declare const DEFAULT_MONITOR: MonitorSettings;
/** What the rollout layer needs from the service that owns the store, the engine and the changes. */
export interface RolloutContext {
    readonly store: Store;
    readonly engine: Engine;
    readonly changes: Changes;
    now(): Date;
}
export interface ActorInput {
    readonly actor: string;
    readonly reason?: string | undefined;
}
export interface StartInput extends ActorInput {
    readonly tenants?: readonly string[] | undefined;
    readonly percent?: number | undefined;
    readonly monitor?: Partial<MonitorSettings> | undefined;
}
export interface PromoteInput extends ActorInput {
    readonly tenants?: readonly string[] | undefined;
    readonly percent?: number | undefined;
    /** Apply the change (its plan, guards and approvals), ending the rollout. */
    readonly all?: boolean | undefined;
}
export interface RolloutStatus {
    readonly rollout: RolloutRecord | null;
    /** The tenants answered by the candidate now (listed, and known tenants in the percent's buckets). */
    readonly rolledOut: readonly string[];
    /** What `rollout promote` without a step would do next. */
    readonly next: string | null;
    /** This process's monitor windows (each process counts its own traffic). */
    readonly windows: readonly PermissionWindow[];
}
/** Counters since this process started, read by the metrics. */
export interface RolloutCounters {
    candidateChecks: number;
    trips: number;
}
/**
 * A running rollout as this process answers it: the candidate schema compiled once, which
 * tenants are in (decided once per tenant), and the monitor.
 */
declare class LiveRollout {
    readonly record: RolloutRecord;
    readonly candidate: CompiledSchema;
    readonly monitor: DenyRateMonitor;
    readonly answer: SchemaAnswer;
    tripped: boolean;
    private readonly included;
    constructor(record: RolloutRecord, candidate: CompiledSchema, monitor: DenyRateMonitor);
    includes(tenant: string): boolean;
}
/**
 * Staged rollouts of a planned model change: the change's schema answers some tenants (listed,
 * or a stable percent of them), the active schema the others; each step is promoted by hand,
 * and a deny-rate monitor per permission rolls the rollout back by itself.
 *
 * The state lives in the store, so every process and node answers a tenant with the same
 * schema: this process reads it at open and then every `pollMs`. Between two reads a process
 * may answer with the previous step for up to that long.
 */
export declare class Rollouts {
    private readonly context;
    private live;
    private seen;
    /** A trip this process could not write to the store yet; retried at every poll. */
    private pendingTrip;
    private readonly compiled;
    private poller;
    /** Reads of the store, one after the other, so that the last one started is the last applied. */
    private reads;
    private polling;
    /** Changes this process is applying as a promotion to all (which closes the rollout itself). */
    private readonly promoting;
    readonly counters: RolloutCounters;
    /** Where a failed poll is reported (the server logs it); the last known state stays in force. */
    onPollError: (error: unknown) => void;
    constructor(context: RolloutContext);
    private get store();
    /** Reads the rollout state from the store; cheap when nothing moved. */
    refresh(): Promise<void>;
    private refreshOnce;
    private candidateOf;
    /** Follows the store every `pollMs` until `stop`; the timer never keeps a process alive. */
    follow(pollMs: number): void;
    stop(): void;
    /** The running rollout if it answers this tenant; `undefined`: the active schema answers. */
    route(tenant: string): LiveRollout | undefined;
    /**
     * Answers a rolled-out tenant's check with the candidate, and gives the monitor the active
     * schema's answer to the same check as the baseline.
     */
    check(live: LiveRollout, tenant: string, request: CheckRequest): boolean;
    /** The active schema's answer, or `undefined` when it cannot answer this check either. */
    private activeAnswer;
    private tripped;
    private writeTrip;
    start(changeId: number, input: StartInput): Promise<RolloutRecord>;
    private running;
    promote(input: PromoteInput): Promise<{
        rollout: RolloutRecord;
        applied: {
            revision: number;
        } | null;
    }>;
    /**
     * A change that is rolling out was applied with `change apply` (here, or in another process
     * that then tells us through its own Rollouts): every tenant now has its schema, so the
     * rollout is over. Recorded as completed, audited; a promotion to all records it itself.
     */
    changeApplied(changeId: number, revision: number): Promise<void>;
    rollback(input: ActorInput): Promise<RolloutRecord>;
    status(): Promise<RolloutStatus>;
    /** The running rollout as this process answers it, for the metrics. */
    current(): {
        record: RolloutRecord;
        rolledOutLoaded: number;
    } | undefined;
}
export {};
