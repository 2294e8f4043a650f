import type { RolloutRecord } from "../store/rollout-records.js";
import type { RolloutStatus } from "./rollouts.js";
/** A rollout as the CLI's `--json` and the HTTP API show it. */
export declare function rolloutJson(record: RolloutRecord): {
    id: number;
    changeId: number;
    state: import("../store/rollout-records.js").RolloutState;
    step: number;
    tenants: string[];
    percent: number;
    monitor: {
        margin: number;
        windowSeconds: number;
        minChecks: number;
    };
    startedAt: string;
    startedBy: string;
    updatedAt: string;
    endedAt: string | null;
    endedBy: string | null;
    endReason: string | null;
    trip: unknown;
};
export declare function rolloutStatusJson(status: RolloutStatus): {
    rollout: {
        id: number;
        changeId: number;
        state: import("../store/rollout-records.js").RolloutState;
        step: number;
        tenants: string[];
        percent: number;
        monitor: {
            margin: number;
            windowSeconds: number;
            minChecks: number;
        };
        startedAt: string;
        startedBy: string;
        updatedAt: string;
        endedAt: string | null;
        endedBy: string | null;
        endReason: string | null;
        trip: unknown;
    } | null;
    rolledOut: string[];
    next: string | null;
    windows: {
        permission: string;
        checks: number;
        candidateDenies: number;
        baselineDenies: number;
        windowStartedAt: string;
    }[];
};
/** `rollout status` for people. */
export declare function formatRolloutStatus(status: RolloutStatus): string;
