import { inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import type {
  LifecycleKind,
  LifecycleRecord,
  LifecycleScope,
  NewLifecycleRecord,
} from "../lifecycle-records.js";
import { checkText, jsonText } from "./input-checks.js";

/** The checks and row mapping both backends share for `lifecycle_changes` and `store_settings`. */

export const LIFECYCLE_KINDS: readonly LifecycleKind[] = ["delete", "restore", "merge", "purge"];
export const LIFECYCLE_SCOPES: readonly LifecycleScope[] = ["subject", "tenant"];
export const RETENTION_SETTING = "retention_days";

export type LifecycleRow = [
  changeId: number | string,
  kind: string,
  scope: string,
  tenant: string,
  target: string,
  details: string,
];

/** Checks a new record; returns its details as JSON text. */
export function checkLifecycle(record: NewLifecycleRecord): string {
  if (!LIFECYCLE_KINDS.includes(record.kind))
    throw inputError(`invalid lifecycle kind \`${record.kind}\``, { field: "kind" });
  if (!LIFECYCLE_SCOPES.includes(record.scope))
    throw inputError(`invalid lifecycle scope \`${record.scope}\``, { field: "scope" });
  checkTenant(record.tenant, { field: "tenant" });
  checkText(record.target, "target");
  return jsonText(record.details ?? null, "details") ?? "null";
}

export function lifecycleFromRow(row: LifecycleRow): LifecycleRecord {
  return {
    changeId: Number(row[0]),
    kind: row[1] as LifecycleKind,
    scope: row[2] as LifecycleScope,
    tenant: row[3],
    target: row[4],
    details: JSON.parse(row[5]) as unknown,
  };
}

export function checkRetentionDays(days: number): number {
  if (!Number.isSafeInteger(days) || days < 1 || days > 36_500) {
    throw inputError(`invalid retention \`${days}\`: expected whole days, 1 to 36500`, { field: "days" });
  }
  return days;
}
