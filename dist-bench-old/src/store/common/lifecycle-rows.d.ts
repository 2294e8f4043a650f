import type { LifecycleKind, LifecycleRecord, LifecycleScope, NewLifecycleRecord } from "../lifecycle-records.js";
/** The checks and row mapping both backends share for `lifecycle_changes` and `store_settings`. */
export declare const LIFECYCLE_KINDS: readonly LifecycleKind[];
export declare const LIFECYCLE_SCOPES: readonly LifecycleScope[];
export declare const RETENTION_SETTING = "retention_days";
export type LifecycleRow = [
    changeId: number | string,
    kind: string,
    scope: string,
    tenant: string,
    target: string,
    details: string
];
/** Checks a new record; returns its details as JSON text. */
export declare function checkLifecycle(record: NewLifecycleRecord): string;
export declare function lifecycleFromRow(row: LifecycleRow): LifecycleRecord;
export declare function checkRetentionDays(days: number): number;
