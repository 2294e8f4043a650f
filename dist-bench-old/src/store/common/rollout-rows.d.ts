import { GatehouseError } from "../../model/errors.js";
import type { MonitorSettings, NewRollout, RolloutRecord, RolloutState, RolloutUpdate } from "../rollout-records.js";
/** The `rollouts` columns every backend reads, in `RolloutRow` order. */
export declare const ROLLOUT_COLUMNS = "id, change_id, state, step, tenants, percent, monitor, started_at, started_by, updated_at, ended_at, ended_by, end_reason, trip, version";
export type RolloutRow = [
    id: number,
    changeId: number,
    state: string,
    step: number,
    tenants: string,
    percent: number,
    monitor: string,
    startedAt: string,
    startedBy: string,
    updatedAt: string,
    endedAt: string | null,
    endedBy: string | null,
    endReason: string | null,
    trip: string | null,
    version: number
];
export declare function toRolloutRecord(...row: RolloutRow): RolloutRecord;
export declare function checkMonitorSettings(monitor: MonitorSettings): void;
/** Checks a rollout before it is stored; the rollout layer checks the change, the store the rest. */
export declare function checkNewRollout(rollout: NewRollout): NewRollout;
export declare function checkRolloutUpdate(update: RolloutUpdate): RolloutUpdate;
export declare function rolloutRunning(running: number): GatehouseError;
export declare function rolloutMoved(id: number, state: string | undefined): GatehouseError;
/** The SET clause values of an update, in a fixed order shared by both backends. */
export declare function rolloutUpdateValues(update: RolloutUpdate, now: string, ended: boolean): {
    state: RolloutState | null;
    step: number | null;
    tenants: string | null;
    percent: number | null;
    endedAt: string | null;
    endedBy: string | null;
    endReason: string | null;
    trip: string | null;
    now: string;
};
