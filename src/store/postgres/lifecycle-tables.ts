import { GatehouseError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { formatRelationship, type Relationship } from "../../model/relationship.js";
import { checkId } from "../common/input-checks.js";
import {
  checkLifecycle,
  checkRetentionDays,
  type LifecycleRow,
  lifecycleFromRow,
  RETENTION_SETTING,
} from "../common/lifecycle-rows.js";
import { toRelationship, tupleOf } from "../common/tuples.js";
import {
  DEFAULT_RETENTION_DAYS,
  type LifecycleRecord,
  type LifecycleStore,
  type NewLifecycleRecord,
  type RetentionSetting,
} from "../lifecycle-records.js";
import type { StoredRelationship } from "../store.js";
import type { Sql } from "./connection.js";

const TUPLE_MATCH =
  "tenant = $1 AND resource_type = $2 AND resource_id = $3 AND relation = $4 AND subject_type = $5 AND subject_id = $6 AND subject_relation = $7";
const COLUMNS = "change_id, kind, scope, tenant, target, details";

/** As in SQLite (`sqlite/lifecycle-tables.ts`); every method runs in the caller's transaction. */
export class LifecycleTables {
  readonly #now: () => string;

  constructor(now: () => string) {
    this.#now = now;
  }

  async insert(sql: Sql, changeId: number, record: NewLifecycleRecord): Promise<LifecycleRecord> {
    const details = checkLifecycle(record);
    await sql.run(`INSERT INTO lifecycle_changes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      changeId,
      record.kind,
      record.scope,
      record.tenant,
      record.target,
      details,
    ]);
    return (await this.get(sql, changeId))!;
  }

  async get(sql: Sql, changeId: number): Promise<LifecycleRecord | undefined> {
    const [row] = await sql.rows<LifecycleRow>(
      `SELECT ${COLUMNS} FROM lifecycle_changes WHERE change_id = $1`,
      [checkId(changeId, "changeId")],
    );
    return row === undefined ? undefined : lifecycleFromRow(row);
  }

  async list(
    sql: Sql,
    filter: Parameters<LifecycleStore["listLifecycle"]>[0] = {},
  ): Promise<LifecycleRecord[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ["tenant", filter.tenant],
      ["kind", filter.kind],
      ["scope", filter.scope],
      ["target", filter.target],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      conditions.push(`${column} = $${params.length}`);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
    const rows = await sql.rows<LifecycleRow>(
      `SELECT ${COLUMNS} FROM lifecycle_changes${where} ORDER BY change_id`,
      params,
    );
    return rows.map(lifecycleFromRow);
  }

  async retention(sql: Sql): Promise<RetentionSetting> {
    const [row] = await sql.rows<[string, string, string]>(
      "SELECT value, set_by, set_at FROM store_settings WHERE name = $1",
      [RETENTION_SETTING],
    );
    if (row === undefined) return { days: DEFAULT_RETENTION_DAYS, setBy: null, setAt: null };
    return { days: Number(row[0]), setBy: row[1], setAt: row[2] };
  }

  async setRetention(sql: Sql, days: number, actor: string): Promise<RetentionSetting> {
    checkRetentionDays(days);
    await sql.run(
      `INSERT INTO store_settings (name, value, set_by, set_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`,
      [RETENTION_SETTING, String(days), actor, this.#now()],
    );
    return this.retention(sql);
  }

  async history(
    sql: Sql,
    tenant: string,
    relationships: readonly Relationship[],
  ): Promise<StoredRelationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const rows: StoredRelationship[] = [];
    for (const r of relationships) {
      const found = await sql.rows<[string, string, string, string, string, string, number, number | null]>(
        `SELECT resource_type, resource_id, relation, subject_type, subject_id, subject_relation,
                created_revision, deleted_revision
         FROM relationships WHERE ${TUPLE_MATCH} ORDER BY created_revision`,
        [tenant, ...tupleOf(r)],
      );
      for (const row of found) {
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

  /**
   * Removes every row of the tuples, refusing before any goes when one is live. The caller holds
   * the revision counter's lock: writers take it too, so none can make a tuple live meanwhile.
   */
  async purge(sql: Sql, tenant: string, relationships: readonly Relationship[]): Promise<number> {
    checkTenant(tenant, { field: "tenant" });
    for (const r of relationships) {
      const [live] = await sql.rows(
        `SELECT 1 FROM relationships WHERE ${TUPLE_MATCH} AND deleted_revision IS NULL`,
        [tenant, ...tupleOf(r)],
      );
      if (live !== undefined) {
        throw new GatehouseError(
          "conflict",
          `\`${formatRelationship(r)}\` is live again in tenant \`${tenant}\`; nothing was purged`,
        );
      }
    }
    let removed = 0;
    for (const r of relationships)
      removed += await sql.run(`DELETE FROM relationships WHERE ${TUPLE_MATCH}`, [tenant, ...tupleOf(r)]);
    return removed;
  }
}
