import { GatehouseError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { formatRelationship } from "../../model/relationship.js";
import { checkId } from "../common/input-checks.js";
import { checkLifecycle, checkRetentionDays, lifecycleFromRow, RETENTION_SETTING, } from "../common/lifecycle-rows.js";
import { toRelationship, tupleOf } from "../common/tuples.js";
import { DEFAULT_RETENTION_DAYS, } from "../lifecycle-records.js";
const TUPLE_MATCH = "tenant = ? AND resource_type = ? AND resource_id = ? AND relation = ? AND subject_type = ? AND subject_id = ? AND subject_relation = ?";
/**
 * `lifecycle_changes`, `store_settings` and the hard deletion of relationship rows. Each method is
 * one step of a transaction the store opens; none opens its own.
 */
export class LifecycleTables {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    insert(changeId, record) {
        const details = checkLifecycle(record);
        this.#db
            .prepare("INSERT INTO lifecycle_changes (change_id, kind, scope, tenant, target, details) VALUES (?, ?, ?, ?, ?, ?)")
            .run(changeId, record.kind, record.scope, record.tenant, record.target, details);
        return this.get(changeId);
    }
    get(changeId) {
        const row = this.#db
            .prepare("SELECT change_id, kind, scope, tenant, target, details FROM lifecycle_changes WHERE change_id = ?")
            .raw()
            .get(checkId(changeId, "changeId"));
        return row === undefined ? undefined : lifecycleFromRow(row);
    }
    list(filter = {}) {
        const conditions = [];
        const params = [];
        for (const [column, value] of [
            ["tenant", filter.tenant],
            ["kind", filter.kind],
            ["scope", filter.scope],
            ["target", filter.target],
        ]) {
            if (value === undefined)
                continue;
            conditions.push(`${column} = ?`);
            params.push(value);
        }
        const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
        return this.#db
            .prepare(`SELECT change_id, kind, scope, tenant, target, details FROM lifecycle_changes${where} ORDER BY change_id`)
            .raw()
            .all(...params).map(lifecycleFromRow);
    }
    retention() {
        const row = this.#db
            .prepare("SELECT value, set_by, set_at FROM store_settings WHERE name = ?")
            .raw()
            .get(RETENTION_SETTING);
        if (row === undefined)
            return { days: DEFAULT_RETENTION_DAYS, setBy: null, setAt: null };
        return { days: Number(row[0]), setBy: row[1], setAt: row[2] };
    }
    setRetention(days, actor) {
        checkRetentionDays(days);
        this.#db
            .prepare(`INSERT INTO store_settings (name, value, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`)
            .run(RETENTION_SETTING, String(days), actor, this.#now());
        return this.retention();
    }
    history(tenant, relationships) {
        checkTenant(tenant, { field: "tenant" });
        const rows = [];
        const statement = this.#db
            .prepare(`SELECT resource_type, resource_id, relation, subject_type, subject_id, subject_relation,
                created_revision, deleted_revision
         FROM relationships WHERE ${TUPLE_MATCH} ORDER BY created_revision`)
            .raw();
        for (const r of relationships) {
            for (const row of statement.all(tenant, ...tupleOf(r))) {
                rows.push({
                    tenant,
                    ...toRelationship(row[0], row[1], row[2], row[3], row[4], row[5]),
                    createdRevision: row[6],
                    deletedRevision: row[7],
                });
            }
        }
        return rows;
    }
    /** Removes every row of the tuples; refuses, before removing any, when one is live. */
    purge(tenant, relationships) {
        checkTenant(tenant, { field: "tenant" });
        const live = this.#db.prepare(`SELECT 1 FROM relationships WHERE ${TUPLE_MATCH} AND deleted_revision IS NULL`);
        for (const r of relationships) {
            if (live.get(tenant, ...tupleOf(r)) !== undefined) {
                throw new GatehouseError("conflict", `\`${formatRelationship(r)}\` is live again in tenant \`${tenant}\`; nothing was purged`);
            }
        }
        const remove = this.#db.prepare(`DELETE FROM relationships WHERE ${TUPLE_MATCH}`);
        let removed = 0;
        for (const r of relationships)
            removed += remove.run(tenant, ...tupleOf(r)).changes;
        return removed;
    }
}
//# sourceMappingURL=lifecycle-tables.js.map