import type { NewAuditRecord } from "./change-records.js";
/**
 * What the store keeps of staged rollouts. The rollout layer (`src/rollout/`) owns the meaning;
 * the store keeps one row per rollout so that every process and node answers the same tenants
 * with the same schema, and moves the row only with its audit record.
 */
/** `running` until promoted to all (`completed`) or rolled back (by hand or by a monitor). */
export type RolloutState = "running" | "completed" | "rolled_back";
/** The deny-rate monitor's settings, fixed at start. */
export interface MonitorSettings {
    /** How far (a fraction, 0.05 = 5 points) the candidate's deny rate may exceed the baseline's. */
    readonly margin: number;
    /** The window the rates are counted over, in seconds. */
    readonly windowSeconds: number;
    /** No verdict before a permission has seen this many checks in the window. */
    readonly minChecks: number;
}
export interface RolloutRecord {
    /** 1, 2, 3 ... store-wide. */
    readonly id: number;
    /** The planned model change whose schema is the candidate. */
    readonly changeId: number;
    readonly state: RolloutState;
    /** 0 at start, one more at every promotion. */
    readonly step: number;
    /** Tenants named explicitly; they are rolled out whatever their bucket. */
    readonly tenants: readonly string[];
    /** Tenants whose bucket (0..99, a hash of the name) is below this are rolled out too. */
    readonly percent: number;
    readonly monitor: MonitorSettings;
    readonly startedAt: string;
    readonly startedBy: string;
    readonly updatedAt: string;
    readonly endedAt: string | null;
    readonly endedBy: string | null;
    readonly endReason: string | null;
    /** What tripped a monitor (permission, rates, counts), when one rolled the rollout back. */
    readonly trip: unknown | null;
    /** Grows with every update, so that a reader sees that something moved and a writer can refuse a lost race. */
    readonly version: number;
}
export interface NewRollout {
    readonly changeId: number;
    readonly tenants: readonly string[];
    readonly percent: number;
    readonly monitor: MonitorSettings;
    readonly actor: string;
}
export interface RolloutUpdate {
    readonly state?: RolloutState;
    readonly step?: number;
    readonly tenants?: readonly string[];
    readonly percent?: number;
    readonly endedBy?: string;
    readonly endReason?: string;
    readonly trip?: unknown;
}
export interface RolloutStore {
    /**
     * Stores a new running rollout with its audit record (target `rollout:<id>` is set by the
     * store). Only one rollout runs at a time: another running one is a `conflict`.
     */
    startRollout(rollout: NewRollout, audit: NewAuditRecord): Promise<RolloutRecord>;
    /** The newest rollout, whatever its state (a finished one still says why it ended). */
    latestRollout(): Promise<RolloutRecord | undefined>;
    /**
     * Moves a running rollout, with its audit record, in one transaction. A `conflict` (nothing
     * written) when it is no longer running or its version is not `expectedVersion` any more:
     * someone else (a monitor on another node, an operator) moved it first.
     */
    updateRollout(id: number, expectedVersion: number, update: RolloutUpdate, audit: NewAuditRecord): Promise<RolloutRecord>;
}
