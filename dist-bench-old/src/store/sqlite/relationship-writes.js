import { combineConflicts, updateConflict } from "../common/write-plan.js";
import { TUPLE } from "./tuple-rows.js";
/**
 * Writes checked updates of one tenant at a revision: a plain relationship write and a change's
 * apply both come here, so both have the same conflict semantics. Call inside the transaction
 * that created the revision: on a conflict it throws, and the rollback takes the revision too.
 */
export function writeUpdates(db, tenant, revision, planned) {
    const insertLive = db.prepare(`INSERT INTO relationships (tenant, ${TUPLE}, created_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING`);
    const stampDeleted = db.prepare(`UPDATE relationships SET deleted_revision = ?
     WHERE tenant = ? AND resource_type = ? AND resource_id = ? AND relation = ?
       AND subject_type = ? AND subject_id = ? AND subject_relation = ? AND deleted_revision IS NULL`);
    db.prepare("INSERT INTO tenants (name, first_revision) VALUES (?, ?) ON CONFLICT (name) DO NOTHING").run(tenant, revision);
    const created = [];
    const deleted = [];
    const conflicts = [];
    for (const update of planned) {
        if (update.operation === "delete") {
            if (stampDeleted.run(revision, tenant, ...update.tuple).changes > 0)
                deleted.push(update.relationship);
            else
                conflicts.push(updateConflict(update, "does not exist"));
        }
        else if (insertLive.run(tenant, ...update.tuple, revision).changes > 0) {
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
//# sourceMappingURL=relationship-writes.js.map