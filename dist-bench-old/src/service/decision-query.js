import { GatehouseError } from "../model/errors.js";
import { parseObject, parseSubject } from "../model/relationship.js";
/** Decisions listed at most per call unless a limit says otherwise, so a month of log is never printed whole. */
export const DEFAULT_DECISION_LIMIT = 1_000;
/**
 * Turns a query into the store's filter, refusing what is malformed with the field named; the
 * CLI and the HTTP API share it, so both accept and refuse the same things.
 */
export function decisionFilterOf(query) {
    const result = query.result;
    if (result !== undefined && result !== "allowed" && result !== "denied") {
        throw new GatehouseError("input", `invalid result \`${result}\`: expected \`allowed\` or \`denied\``, {
            field: "result",
        });
    }
    if (query.fromRevision !== undefined &&
        query.toRevision !== undefined &&
        query.fromRevision > query.toRevision) {
        throw new GatehouseError("input", `invalid revision range ${query.fromRevision}..${query.toRevision}: the from-revision is newer than the to-revision`, { field: "fromRevision" });
    }
    return {
        tenant: query.tenant,
        resource: query.resource !== undefined
            ? parseObject(query.resource, { field: "resource" }, "resource")
            : undefined,
        permission: query.permission,
        subject: query.subject !== undefined ? parseSubject(query.subject, { field: "subject" }) : undefined,
        allowed: result === undefined ? undefined : result === "allowed",
        since: query.since,
        until: query.until,
        fromRevision: query.fromRevision,
        toRevision: query.toRevision,
        afterSeq: query.afterSeq,
        limit: query.limit ?? DEFAULT_DECISION_LIMIT,
    };
}
//# sourceMappingURL=decision-query.js.map