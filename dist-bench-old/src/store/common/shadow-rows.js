import { GatehouseError, inputError } from "../../model/errors.js";
import { checkId, checkText } from "./input-checks.js";
/**
 * The shadow tables' row shapes, checks and messages, shared by both backends; only the SQL
 * placeholders and how a backend runs its statements differ.
 */
export const SESSION_COLUMNS = "id, change_id, schema_text, started_at, started_by, stopped_at, stopped_by, checks, kept, truncated";
export function toShadowSession(row) {
    const [id, changeId, schema, startedAt, startedBy, stoppedAt, stoppedBy, checks, kept, truncated] = row;
    return {
        id,
        changeId,
        schema,
        startedAt,
        startedBy,
        stoppedAt,
        stoppedBy,
        checks,
        kept,
        truncated: truncated === true || truncated === 1,
    };
}
export const COUNT_COLUMNS = "tenant, permission, direction, count";
export function toDivergenceCount([tenant, permission, direction, count]) {
    return { tenant, permission, direction: direction, count };
}
export const DIVERGENCE_COLUMNS = "tenant, resource, permission, subject, active, count";
/** A divergent check's candidate answer is the opposite of its active one, so only one is stored. */
export function toDivergentCheck([tenant, resource, permission, subject, active, count,]) {
    const allowed = active === true || active === 1;
    return { tenant, resource, permission, subject, active: allowed, candidate: !allowed, count };
}
const DIRECTIONS = ["would_block", "would_allow"];
function checkCount(value, field) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        throw inputError(`invalid ${field} \`${String(value)}\`: expected a whole number, 0 or more`, { field });
    }
}
/** Checks a tally before anything of it is written: the whole tally is added, or none of it. */
export function checkTally(sessionId, tally) {
    checkId(sessionId, "session");
    checkCount(tally.checks, "tally.checks");
    tally.counts.forEach((c, i) => {
        const field = `tally.counts[${i}]`;
        checkText(c.tenant, `${field}.tenant`);
        checkText(c.permission, `${field}.permission`);
        if (!DIRECTIONS.includes(c.direction)) {
            throw inputError(`invalid ${field}.direction \`${String(c.direction)}\`: expected would_block or would_allow`, {
                field: `${field}.direction`,
            });
        }
        checkCount(c.count, `${field}.count`);
    });
    tally.divergences.forEach((d, i) => {
        const field = `tally.divergences[${i}]`;
        for (const key of ["tenant", "resource", "permission", "subject"])
            checkText(d[key], `${field}.${key}`);
        if (typeof d.active !== "boolean" || d.candidate !== !d.active) {
            throw inputError(`invalid ${field}: a divergent check's candidate answer must differ from its active one`, {
                field,
            });
        }
        checkCount(d.count, `${field}.count`);
    });
    return tally;
}
export function noRunningShadow() {
    return new GatehouseError("not_found", "no shadow evaluation is running");
}
export function shadowRunning(session) {
    return new GatehouseError("conflict", `a shadow evaluation is already running (change ${session.changeId}, since ${session.startedAt}): stop it first with \`gatehouse shadow stop\``);
}
export function unknownShadow(id) {
    return new GatehouseError("not_found", `shadow session ${id} does not exist`, { field: "session" });
}
export function unknownChange(id) {
    return new GatehouseError("not_found", `change ${id} does not exist`);
}
//# sourceMappingURL=shadow-rows.js.map