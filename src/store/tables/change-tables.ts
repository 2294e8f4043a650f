import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import type {
  ChangeRecord,
  ChangeState,
  ChangeSummary,
  ChangeSummaryFilter,
  ChangeUpdate,
  Intent,
  NewChange,
} from "../change-records.js";
import { alreadyApproved, approvalOf, checkIntent, checkState } from "../common/change-checks.js";
import { appliedFromJson, appliedToJson, specFromJson, specToJson } from "../common/change-json.js";
import { checkId, checkLimit, checkText, jsonText } from "../common/input-checks.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { Revision } from "../store.js";
import type { Revisions } from "./revisions.js";

/** The columns a change's summary and its whole record share, first in both selects. */
const SUMMARY_COLUMNS = `id, tenant, intent, reason, author, state, created_at,
  base_revision, applied_revision, revert_of, reverted_by`;

type SummaryColumns = [
  id: number,
  tenant: string,
  intent: string,
  reason: string,
  author: string,
  state: string,
  createdAt: string,
  baseRevision: number | null,
  appliedRevision: number | null,
  revertOf: number | null,
  revertedBy: number | null,
];

/** A change and its approvals in one row: one round trip, and one snapshot for both. */
const selectChanges = (dialect: Dialect) => `SELECT ${SUMMARY_COLUMNS}, spec, plan, applied,
  (SELECT ${dialect.jsonArrays("a.principal, a.at, a.comment, a.plan", dialect.approvalOrder)}
     FROM approvals a WHERE a.change_id = c.id)
  FROM changes c`;

type ChangeRow = [
  ...SummaryColumns,
  spec: string,
  plan: string | null,
  applied: string | null,
  approvals: string | null,
];

/**
 * What a list shows. `->>` reads one key of the JSON text in both SQLite (3.38+) and PostgreSQL
 * (the column is `json` there), so the spec is not parsed here nor sent whole.
 */
const selectSummaries = `SELECT ${SUMMARY_COLUMNS},
  CASE WHEN (spec ->> 'schema') IS NULL THEN 0 ELSE 1 END
  FROM changes`;

type SummaryRow = [...SummaryColumns, storeWide: number | string];

const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value));

/** The shared columns, decoded. */
function summaryFields(row: SummaryRow | ChangeRow): Omit<ChangeSummary, "storeWide"> {
  const [id, tenant, intent, reason, author, state, createdAt, base, applied, revertOf, revertedBy] = row;
  return {
    id,
    tenant,
    intent: intent as Intent,
    reason,
    author,
    state: state as ChangeState,
    createdAt,
    baseRevision: numberOrNull(base),
    appliedRevision: numberOrNull(applied),
    revertOf: numberOrNull(revertOf),
    revertedBy: numberOrNull(revertedBy),
  };
}

/**
 * The `changes` and `approvals` tables. Each method is one step of a transaction the store
 * opens, after it locked the change's tenant's audit chain (every act on a change is audited
 * with its tenant), so acts on one change take turns; `insert` also holds the numbering
 * (`Dialect.lockChangeIds`), which makes `max(id) + 1` safe across tenants. Unknown ids are
 * `not_found`.
 */
export class ChangeTables {
  readonly #dialect: Dialect;
  readonly #revisions: Revisions;
  readonly #now: () => string;
  readonly #select: string;

  constructor(dialect: Dialect, revisions: Revisions, now: () => string) {
    this.#dialect = dialect;
    this.#revisions = revisions;
    this.#now = now;
    this.#select = selectChanges(dialect);
  }

  /** Stores a new change as `proposed`; returns its id. */
  async insert(sql: Sql, change: NewChange): Promise<number> {
    checkTenant(change.tenant, { field: "tenant" });
    checkIntent(change.intent);
    if (typeof change.reason !== "string")
      throw inputError("invalid reason: expected text", { field: "reason" });
    checkText(change.author, "author");
    const spec = specToJson(change.spec);
    const revertOf = change.revertOf ?? null;
    if (revertOf !== null) await this.require(sql, checkId(revertOf, "revertOf"), "revertOf");
    await this.#dialect.lockChangeIds?.(sql);
    const [row] = await sql.rows<[number]>(
      `INSERT INTO changes (id, tenant, intent, reason, author, state, spec, created_at, revert_of)
       SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, 'proposed', $5, $6, $7 FROM changes
       RETURNING id`,
      [change.tenant, change.intent, change.reason, change.author, spec, this.#now(), revertOf],
    );
    return row![0];
  }

  async get(sql: Sql, id: number): Promise<ChangeRecord | undefined> {
    const [row] = await sql.rows<ChangeRow>(`${this.#select} WHERE id = $1`, [checkId(id, "id")]);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The change, or a `not_found` error naming it (and the field that named it, if given). */
  async require(sql: Sql, id: number, field?: string): Promise<ChangeRecord> {
    const change = await this.get(sql, id);
    if (change === undefined) {
      throw new GatehouseError("not_found", `change ${id} does not exist`, field ? { field } : undefined);
    }
    return change;
  }

  /** Newest first. */
  async list(
    sql: Sql,
    filter: { tenant?: string; state?: ChangeState; limit?: number },
  ): Promise<ChangeRecord[]> {
    const [text, params] = listed(this.#select, filter);
    return (await sql.rows<ChangeRow>(text, params)).map(toRecord);
  }

  /** Newest first, as `list`, without the large columns. */
  async listSummaries(sql: Sql, filter: ChangeSummaryFilter): Promise<ChangeSummary[]> {
    const [text, params] = listed(selectSummaries, filter);
    return (await sql.rows<SummaryRow>(text, params)).map((row) => ({
      ...summaryFields(row),
      storeWide: Number(row[11]) === 1,
    }));
  }

  /** Sets the fields the update names; the others stay as they are. */
  async update(sql: Sql, id: number, update: ChangeUpdate): Promise<void> {
    await this.require(sql, checkId(id, "id"));
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (update.state !== undefined) set("state", checkState(update.state));
    if (update.plan !== undefined) set("plan", update.plan === null ? null : jsonText(update.plan, "plan"));
    if (update.baseRevision !== undefined) {
      set("base_revision", await this.#revisions.at(sql, update.baseRevision));
    }
    if (update.revertedBy !== undefined) {
      const revertedBy = await this.require(sql, checkId(update.revertedBy, "revertedBy"), "revertedBy");
      set("reverted_by", revertedBy.id);
    }
    if (sets.length === 0) return;
    params.push(id);
    await sql.run(`UPDATE changes SET ${sets.join(", ")} WHERE id = $${params.length}`, params);
  }

  /** One approval per principal, change and plan; a second is a `conflict`. */
  async approve(
    sql: Sql,
    id: number,
    principal: string,
    comment: string | null,
    plan: string | null,
  ): Promise<void> {
    await this.require(sql, checkId(id, "id"));
    checkText(principal, "principal");
    if (comment !== null && typeof comment !== "string") {
      throw inputError("invalid comment: expected text or null", { field: "comment" });
    }
    if (plan !== null) checkText(plan, "plan");
    const inserted = await sql.run(
      `INSERT INTO approvals (change_id, principal, at, comment, plan) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (change_id, principal, plan) DO NOTHING`,
      [id, principal, this.#now(), comment, plan ?? ""],
    );
    if (inserted === 0) throw alreadyApproved(principal, id, plan);
  }

  /** Rewrites what a change says (a purge removing the names of what it purged). */
  async rewrite(
    sql: Sql,
    id: number,
    record: Pick<ChangeRecord, "reason" | "spec" | "plan" | "applied">,
  ): Promise<void> {
    await sql.run("UPDATE changes SET reason = $1, spec = $2, plan = $3, applied = $4 WHERE id = $5", [
      record.reason,
      specToJson(record.spec),
      record.plan === null ? null : jsonText(record.plan, "plan"),
      record.applied === null ? null : appliedToJson(record.applied),
      checkId(id, "id"),
    ]);
  }

  async markApplied(
    sql: Sql,
    id: number,
    revision: Revision,
    applied: NonNullable<ChangeRecord["applied"]>,
  ): Promise<void> {
    await sql.run("UPDATE changes SET state = 'applied', applied_revision = $1, applied = $2 WHERE id = $3", [
      revision,
      appliedToJson(applied),
      id,
    ]);
  }
}

/** A list's query: `select` with the filter's conditions, newest first. */
function listed(select: string, filter: ChangeSummaryFilter): [string, unknown[]] {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.tenant !== undefined) {
    params.push(checkTenant(filter.tenant, { field: "tenant" }));
    conditions.push(`tenant = $${params.length}`);
  }
  if (filter.state !== undefined) {
    params.push(checkState(filter.state));
    conditions.push(`state = $${params.length}`);
  }
  if (filter.visibleTo !== undefined) {
    const places = filter.visibleTo.map((tenant) => {
      params.push(checkTenant(tenant, { field: "tenant" }));
      return `$${params.length}`;
    });
    conditions.push(places.length === 0 ? "1 = 0" : `tenant IN (${places.join(", ")})`);
    conditions.push("(spec ->> 'schema') IS NULL");
  }
  let text = select;
  if (conditions.length > 0) text += ` WHERE ${conditions.join(" AND ")}`;
  text += " ORDER BY id DESC";
  if (filter.limit !== undefined) {
    params.push(checkLimit(filter.limit, "limit"));
    text += ` LIMIT $${params.length}`;
  }
  return [text, params];
}

function toRecord(row: ChangeRow): ChangeRecord {
  const [spec, plan, applied, approvals] = row.slice(11) as [
    string,
    string | null,
    string | null,
    string | null,
  ];
  const approvalRows =
    approvals === null ? [] : (JSON.parse(approvals) as [string, string, string | null, string][]);
  const summary = summaryFields(row);
  // The record's keys in the order they always had (JSON output shows them so).
  return {
    id: summary.id,
    tenant: summary.tenant,
    intent: summary.intent,
    reason: summary.reason,
    author: summary.author,
    state: summary.state,
    spec: specFromJson(spec),
    createdAt: summary.createdAt,
    plan: plan === null ? null : (JSON.parse(plan) as unknown),
    baseRevision: summary.baseRevision,
    appliedRevision: summary.appliedRevision,
    applied: applied === null ? null : appliedFromJson(applied),
    revertOf: summary.revertOf,
    revertedBy: summary.revertedBy,
    approvals: approvalRows.map(([principal, at, comment, plan]) => approvalOf(principal, at, comment, plan)),
  };
}
