import type { MonitorSettings } from "../store/rollout-records.js";
/**
 * The baseline is the active schema's answer to the very same check, evaluated beside the
 * candidate's for rolled-out tenants only. Same tenants, same subjects, same moment: the
 * difference between the two deny rates is exactly what the candidate does to real traffic,
 * with no drift from time of day or from tenants that differ (a deny rate taken before the
 * rollout would mix both in).
 */
/** What a monitor saw when it tripped; kept in the store and the audit record. */
export interface MonitorTrip {
    readonly permission: string;
    readonly checks: number;
    readonly candidateDenies: number;
    readonly baselineDenies: number;
    readonly candidateDenyRate: number;
    readonly baselineDenyRate: number;
    readonly margin: number;
    readonly windowSeconds: number;
    readonly minChecks: number;
}
/** One permission's counts in the current window. */
export interface PermissionWindow {
    readonly permission: string;
    readonly checks: number;
    readonly candidateDenies: number;
    readonly baselineDenies: number;
    readonly windowStartedAt: string;
}
/**
 * A deny-rate monitor per permission (`type#permission`) over tumbling windows of
 * `windowSeconds`: when, within one window and after at least `minChecks` checks, the
 * candidate's deny rate exceeds the baseline's by more than `margin`, it trips once.
 *
 * On the hot path: two map lookups, three additions and a comparison per check; counts are
 * allocated once per permission, not per check. Each process counts its own traffic; any
 * process that trips rolls the rollout back for every process (through the store).
 */
export declare class DenyRateMonitor {
    private readonly settings;
    private readonly onTrip;
    private readonly now;
    private readonly byType;
    private readonly windowMs;
    private tripped;
    constructor(settings: MonitorSettings, onTrip: (trip: MonitorTrip) => void, now?: () => number);
    record(resourceType: string, permission: string, candidateAllowed: boolean, baselineAllowed: boolean): void;
    /** The current windows, for `rollout status` on this process. */
    windows(): PermissionWindow[];
}
