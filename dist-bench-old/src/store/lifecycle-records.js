/**
 * What the store keeps of the lifecycle of subjects and tenants: which changes delete, restore,
 * merge or purge what, the retention window, and the hard deletion of relationship rows. The
 * changes layer (`src/changes/deletion.ts`, `purge.ts`) owns the meaning.
 */
/** Deleted data stays restorable this long unless the store says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
//# sourceMappingURL=lifecycle-records.js.map