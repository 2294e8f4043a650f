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
import { clockKey, unexpiredAt, withTraits } from "../common/trait-columns.js";
import { toRelationship, tupleOf } from "../common/tuples.js";
import {
  DEFAULT_RETENTION_DAYS,
  type LifecycleRecord,
  type LifecycleStore,
  type NewLifecycleRecord,
  type RetentionSetting,
} from "../lifecycle-records.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { StoredRelationship } from "../store.js";
import { TUPLE, tupleParams, tuplesFrom } from "./tuple-columns.js";

/** A row of `relationships r` in tenant `$1` that is a given tuple (`tuplesFrom(dialect, 2)`). */
const GIVEN_MATCH =
  "r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr";
const COLUMNS = "change_id, kind, scope, tenant, target, details";

/**
 * Lifecycle changes (tenant deletion, purge), the retention setting, and the reads and removals
 * of whole relationship histories they need; every method runs in the caller's transaction.
 */
export class LifecycleTables {
  readonly #dialect: Dialect;
  readonly #now: () => string;
  /** The tuples given as parameters `$2`..., numbered `n` from 1 in order. */
  readonly #given: string;

  constructor(dialect: Dialect, now: () => string) {
    this.#dialect = dialect;
    this.#now = now;
    this.#given = tuplesFrom(dialect, 2);
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
    // One statement for any number of tuples (a tenant purge names them all), in the order given
    // and then by revision, as the export bundle and its checksum expect.
    const found = await sql.rows<
      [
        string,
        string,
        string,
        string,
        string,
        string,
        number,
        number | null,
        string | null,
        string | null,
        string | null,
      ]
    >(
      `SELECT r.resource_type, r.resource_id, r.relation, r.subject_type, r.subject_id, r.subject_relation,
              r.created_revision, r.deleted_revision, r.caveat_name, r.caveat_context, r.expires_at
       FROM ${this.#given} JOIN relationships r ON ${GIVEN_MATCH}
       ORDER BY u.n, r.created_revision`,
      [tenant, ...tupleParams(this.#dialect, relationships.map(tupleOf))],
    );
    return found.map((row) => ({
      tenant,
      ...withTraits(toRelationship(row[0], row[1], row[2], row[3], row[4], row[5]), row[8], row[9], row[10]),
      createdRevision: row[6],
      deletedRevision: row[7],
    }));
  }

  /**
   * Removes every row of the tuples, refusing before any goes when one is live. The caller holds
   * the revision counter's lock: writers take it too, so none can make a tuple live meanwhile.
   */
  async purge(sql: Sql, tenant: string, relationships: readonly Relationship[]): Promise<number> {
    checkTenant(tenant, { field: "tenant" });
    const values = [tenant, ...tupleParams(this.#dialect, relationships.map(tupleOf))];
    // An expired relationship is not live: nothing reads it, and it goes with the rest.
    const [live] = await sql.rows<[number]>(
      `SELECT u.n FROM ${this.#given} JOIN relationships r ON ${GIVEN_MATCH}
       WHERE r.deleted_revision IS NULL AND ${unexpiredAt(values.length + 1, "r.")} ORDER BY u.n LIMIT 1`,
      [...values, clockKey(this.#now())],
    );
    if (live !== undefined) {
      throw new GatehouseError(
        "conflict",
        `\`${formatRelationship(relationships[Number(live[0]) - 1]!)}\` is live again in tenant \`${tenant}\`; nothing was purged`,
      );
    }
    return sql.run(
      `DELETE FROM relationships WHERE (tenant, ${TUPLE}) IN (SELECT $1, rt, ri, rel, st, si, sr FROM ${this.#given})`,
      values,
    );
  }
}
