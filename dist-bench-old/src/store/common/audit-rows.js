import { inputError } from "../../model/errors.js";
import { auditHash } from "./audit-chain.js";
import { checkLimit, checkText, checkTime, jsonText } from "./input-checks.js";
/**
 * The audit log's row shape and queries, shared by every backend; only the SQL placeholders
 * (`?` or `$n`) and how a backend locks the head differ.
 */
export const AUDIT_COLUMNS = "seq, at, actor, action, tenant, target, reason, revision, details, previous_hash, hash";
/**
 * The values of a new record, in `AUDIT_COLUMNS` order after `seq`, once checked: `revision`
 * (the act's own revision) overrides the record's. Private: records enter through `chainedAuditRow`.
 */
function auditValues(record, at, revision) {
    checkText(record.actor, "audit.actor");
    checkText(record.action, "audit.action");
    checkText(record.target, "audit.target");
    checkText(record.tenant ?? null, "audit.tenant", { nullable: true });
    checkText(record.reason ?? null, "audit.reason", { nullable: true });
    const given = record.revision ?? null;
    if (given !== null && (!Number.isSafeInteger(given) || given < 0)) {
        throw inputError(`invalid revision \`${given}\`: expected a whole number, 0 or more`, {
            field: "audit.revision",
        });
    }
    return [
        at,
        record.actor,
        record.action,
        record.tenant ?? null,
        record.target,
        record.reason ?? null,
        revision ?? given,
        jsonText(record.details, "audit.details"),
    ];
}
/**
 * The one way a record enters the log: the row to insert, in `AUDIT_COLUMNS` order, chained to
 * `head` (the last record's seq and hash, read under the lock that makes this append the only
 * one). The backend writes the row and the new head (`seq`, `hash`) in the same transaction.
 */
export function chainedAuditRow(record, at, revision, head) {
    const [, actor, action, tenant, target, reason, revisionValue, details] = auditValues(record, at, revision);
    const row = {
        seq: head.seq + 1,
        at,
        actor,
        action,
        tenant,
        target,
        reason,
        revision: revisionValue,
        details,
        previousHash: head.hash,
    };
    const hash = auditHash(row);
    return [row.seq, at, actor, action, tenant, target, reason, revisionValue, details, head.hash, hash];
}
export function toChainRow([seq, at, actor, action, tenant, target, reason, revision, details, previousHash, hash,]) {
    return { seq, at, actor, action, tenant, target, reason, revision, details, previousHash, hash };
}
/**
 * The query listing records, oldest first. `since` is inclusive and `until` exclusive, so
 * consecutive windows neither overlap nor leave a gap; both compare as ISO text, so a date alone
 * means its midnight (UTC).
 */
export function auditQuery(filter, placeholder) {
    const conditions = [];
    const params = [];
    const add = (condition, value) => {
        params.push(value);
        conditions.push(`${condition} ${placeholder(params.length)}`);
    };
    for (const key of ["actor", "action", "tenant", "target"]) {
        const value = filter[key];
        if (value !== undefined)
            add(`${key} =`, value);
    }
    if (filter.since !== undefined)
        add("at >=", checkTime(filter.since, "since"));
    if (filter.until !== undefined)
        add("at <", checkTime(filter.until, "until"));
    let text = `SELECT ${AUDIT_COLUMNS} FROM audit_log`;
    if (conditions.length > 0)
        text += ` WHERE ${conditions.join(" AND ")}`;
    text += " ORDER BY seq";
    if (filter.limit !== undefined) {
        params.push(checkLimit(filter.limit, "limit"));
        text += ` LIMIT ${placeholder(params.length)}`;
    }
    return { text, params };
}
export function toAuditRecord([seq, at, actor, action, tenant, target, reason, revision, details, previousHash, hash,]) {
    return {
        seq,
        at,
        actor,
        action,
        tenant,
        target,
        reason,
        revision,
        details: details === null ? null : JSON.parse(details),
        hash,
        previousHash,
    };
}
//# sourceMappingURL=audit-rows.js.map