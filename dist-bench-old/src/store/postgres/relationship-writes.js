import { combineConflicts, updateConflict } from "../common/write-plan.js";
import { TUPLE, tupleColumns, UNNEST_TUPLES } from "./tuple-columns.js";
/** Rows per statement: large enough to amortise a round trip, small enough to keep arrays modest. */
const CHUNK = 20_000;
const key = (tuple) => tuple.join("\x1f");
/**
 * Writes checked updates of one tenant at a revision, with SQLite's semantics (`create` of a
 * live tuple and `delete` of a missing one are conflicts, named with their place; `touch`
 * writes only what is missing), but set at a time: one UPDATE for the deletes and one INSERT
 * for the rest, per chunk, instead of a round trip per row. A write never names a tuple twice
 * (`planUpdates` refuses it), so the order of the two statements cannot matter. Call inside the
 * transaction that took the revision: on a conflict it throws, and the rollback takes the
 * revision too.
 */
export async function writeUpdates(sql, tenant, revision, planned) {
    await sql.run("INSERT INTO tenants (name, first_revision) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
        tenant,
        revision,
    ]);
    const deletes = planned.filter((u) => u.operation === "delete").map((u) => u.tuple);
    const writes = planned.filter((u) => u.operation !== "delete").map((u) => u.tuple);
    const deletedKeys = new Set();
    const createdKeys = new Set();
    for (let i = 0; i < deletes.length; i += CHUNK) {
        const rows = await sql.rows(`UPDATE relationships r SET deleted_revision = $2 FROM ${UNNEST_TUPLES(3)}
       WHERE r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel
         AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr
         AND r.deleted_revision IS NULL
       RETURNING ${prefixed("r")}`, [tenant, revision, ...tupleColumns(deletes.slice(i, i + CHUNK))]);
        for (const row of rows)
            deletedKeys.add(key(row));
    }
    for (let i = 0; i < writes.length; i += CHUNK) {
        const rows = await sql.rows(`INSERT INTO relationships (tenant, ${TUPLE}, created_revision)
       SELECT $1, rt, ri, rel, st, si, sr, $2 FROM ${UNNEST_TUPLES(3)}
       ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING
       RETURNING ${TUPLE}`, [tenant, revision, ...tupleColumns(writes.slice(i, i + CHUNK))]);
        for (const row of rows)
            createdKeys.add(key(row));
    }
    const created = [];
    const deleted = [];
    const conflicts = [];
    for (const update of planned) {
        const k = key(update.tuple);
        if (update.operation === "delete") {
            if (deletedKeys.has(k))
                deleted.push(update.relationship);
            else
                conflicts.push(updateConflict(update, "does not exist"));
        }
        else if (createdKeys.has(k)) {
            created.push(update.relationship);
        }
        else if (update.operation === "create") {
            conflicts.push(updateConflict(update, "already exists"));
        }
    }
    if (conflicts.length > 0)
        throw combineConflicts(conflicts);
    return { created, deleted };
}
function prefixed(alias) {
    return TUPLE.split(", ")
        .map((column) => `${alias}.${column}`)
        .join(", ");
}
//# sourceMappingURL=relationship-writes.js.map