import { inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { checkText, jsonText } from "./input-checks.js";
/** The checks and row mapping both backends share for `lifecycle_changes` and `store_settings`. */
export const LIFECYCLE_KINDS = ["delete", "restore", "merge", "purge"];
export const LIFECYCLE_SCOPES = ["subject", "tenant"];
export const RETENTION_SETTING = "retention_days";
/** Checks a new record; returns its details as JSON text. */
export function checkLifecycle(record) {
    if (!LIFECYCLE_KINDS.includes(record.kind))
        throw inputError(`invalid lifecycle kind \`${record.kind}\``, { field: "kind" });
    if (!LIFECYCLE_SCOPES.includes(record.scope))
        throw inputError(`invalid lifecycle scope \`${record.scope}\``, { field: "scope" });
    checkTenant(record.tenant, { field: "tenant" });
    checkText(record.target, "target");
    return jsonText(record.details ?? null, "details") ?? "null";
}
export function lifecycleFromRow(row) {
    return {
        changeId: Number(row[0]),
        kind: row[1],
        scope: row[2],
        tenant: row[3],
        target: row[4],
        details: JSON.parse(row[5]),
    };
}
export function checkRetentionDays(days) {
    if (!Number.isSafeInteger(days) || days < 1 || days > 36_500) {
        throw inputError(`invalid retention \`${days}\`: expected whole days, 1 to 36500`, { field: "days" });
    }
    return days;
}
//# sourceMappingURL=lifecycle-rows.js.map