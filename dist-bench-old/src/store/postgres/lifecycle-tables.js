import { GatehouseError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { formatRelationship } from "../../model/relationship.js";
import { checkId } from "../common/input-checks.js";
import { checkLifecycle, checkRetentionDays, lifecycleFromRow, RETENTION_SETTING, } from "../common/lifecycle-rows.js";
import { toRelationship, tupleOf } from "../common/tuples.js";
import { DEFAULT_RETENTION_DAYS, } from "../lifecycle-records.js";
import { tupleColumns } from "./tuple-columns.js";
/** The tuples given as parameters `$2`–`$7` (six text arrays), numbered `n` from 1 in order. */
const GIVEN = "unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(rt, ri, rel, st, si, sr, n)";
/** A row of `relationships r` in tenant `$1` that is a given tuple. */
const GIVEN_MATCH = "r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr";
const COLUMNS = "change_id, kind, scope, tenant, target, details";
/** As in SQLite (`sqlite/lifecycle-tables.ts`); every method runs in the caller's transaction. */
export class LifecycleTables {
    #now;
    constructor(now) {
        this.#now = now;
    }
    async insert(sql, changeId, record) {
        const details = checkLifecycle(record);
        await sql.run(`INSERT INTO lifecycle_changes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
            changeId,
            record.kind,
            record.scope,
            record.tenant,
            record.target,
            details,
        ]);
        return (await this.get(sql, changeId));
    }
    async get(sql, changeId) {
        const [row] = await sql.rows(`SELECT ${COLUMNS} FROM lifecycle_changes WHERE change_id = $1`, [checkId(changeId, "changeId")]);
        return row === undefined ? undefined : lifecycleFromRow(row);
    }
    async list(sql, filter = {}) {
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
            params.push(value);
            conditions.push(`${column} = $${params.length}`);
        }
        const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
        const rows = await sql.rows(`SELECT ${COLUMNS} FROM lifecycle_changes${where} ORDER BY change_id`, params);
        return rows.map(lifecycleFromRow);
    }
    async retention(sql) {
        const [row] = await sql.rows("SELECT value, set_by, set_at FROM store_settings WHERE name = $1", [RETENTION_SETTING]);
        if (row === undefined)
            return { days: DEFAULT_RETENTION_DAYS, setBy: null, setAt: null };
        return { days: Number(row[0]), setBy: row[1], setAt: row[2] };
    }
    async setRetention(sql, days, actor) {
        checkRetentionDays(days);
        await sql.run(`INSERT INTO store_settings (name, value, set_by, set_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`, [RETENTION_SETTING, String(days), actor, this.#now()]);
        return this.retention(sql);
    }
    async history(sql, tenant, relationships) {
        checkTenant(tenant, { field: "tenant" });
        // One statement for any number of tuples (a tenant purge names them all), in the order given
        // and then by revision, as the export bundle and its checksum expect.
        const found = await sql.rows(`SELECT r.resource_type, r.resource_id, r.relation, r.subject_type, r.subject_id, r.subject_relation,
              r.created_revision, r.deleted_revision
       FROM ${GIVEN} JOIN relationships r ON ${GIVEN_MATCH}
       ORDER BY u.n, r.created_revision`, [tenant, ...tupleColumns(relationships.map(tupleOf))]);
        return found.map((row) => ({
            tenant,
            ...toRelationship(row[0], row[1], row[2], row[3], row[4], row[5]),
            createdRevision: row[6],
            deletedRevision: row[7],
        }));
    }
    /**
     * Removes every row of the tuples, refusing before any goes when one is live. The caller holds
     * the revision counter's lock: writers take it too, so none can make a tuple live meanwhile.
     */
    async purge(sql, tenant, relationships) {
        checkTenant(tenant, { field: "tenant" });
        const values = [tenant, ...tupleColumns(relationships.map(tupleOf))];
        const [live] = await sql.rows(`SELECT u.n::text FROM ${GIVEN} JOIN relationships r ON ${GIVEN_MATCH}
       WHERE r.deleted_revision IS NULL ORDER BY u.n LIMIT 1`, values);
        if (live !== undefined) {
            throw new GatehouseError("conflict", `\`${formatRelationship(relationships[Number(live[0]) - 1])}\` is live again in tenant \`${tenant}\`; nothing was purged`);
        }
        return sql.run(`DELETE FROM relationships r USING ${GIVEN} WHERE ${GIVEN_MATCH}`, values);
    }
}
//# sourceMappingURL=lifecycle-tables.js.map