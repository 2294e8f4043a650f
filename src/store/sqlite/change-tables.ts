import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import type {
  Approval,
  ChangeRecord,
  ChangeState,
  ChangeUpdate,
  Intent,
  NewChange,
} from "../change-records.js";
import { alreadyApproved, approvalOf, checkIntent, checkState } from "../common/change-checks.js";
import { appliedFromJson, appliedToJson, specFromJson, specToJson } from "../common/change-json.js";
import { checkId, checkLimit, checkText, jsonText } from "../common/input-checks.js";
import type { Revision } from "../store.js";
import type { SqliteConnection } from "./connection.js";
import type { Revisions } from "./revisions.js";

const COLUMNS =
  "id, tenant, intent, reason, author, state, spec, created_at, plan, base_revision, " +
  "applied_revision, applied, revert_of, reverted_by";

type ChangeRow = [
  id: number,
  tenant: string,
  intent: string,
  reason: string,
  author: string,
  state: string,
  spec: string,
  createdAt: string,
  plan: string | null,
  baseRevision: number | null,
  appliedRevision: number | null,
  applied: string | null,
  revertOf: number | null,
  revertedBy: number | null,
];
type ApprovalRow = [changeId: number, principal: string, at: string, comment: string | null, plan: string];

/**
 * The `changes` and `approvals` tables. Each method is one step of a transaction the store
 * opens; none opens its own. Unknown change ids are `not_found`.
 */
export class ChangeTables {
  readonly #db: SqliteConnection;
  readonly #revisions: Revisions;
  readonly #now: () => string;

  constructor(db: SqliteConnection, revisions: Revisions, now: () => string) {
    this.#db = db;
    this.#revisions = revisions;
    this.#now = now;
  }

  /** Stores a new change as `proposed`; returns its id. */
  insert(change: NewChange): number {
    checkTenant(change.tenant, { field: "tenant" });
    checkIntent(change.intent);
    if (typeof change.reason !== "string")
      throw inputError("invalid reason: expected text", { field: "reason" });
    checkText(change.author, "author");
    const spec = specToJson(change.spec);
    const revertOf = change.revertOf ?? null;
    if (revertOf !== null) this.require(checkId(revertOf, "revertOf"), "revertOf");
    const result = this.#db
      .prepare(
        `INSERT INTO changes (tenant, intent, reason, author, state, spec, created_at, revert_of)
         VALUES (?, ?, ?, ?, 'proposed', ?, ?, ?)`,
      )
      .run(change.tenant, change.intent, change.reason, change.author, spec, this.#now(), revertOf);
    return Number(result.lastInsertRowid);
  }

  get(id: number): ChangeRecord | undefined {
    const row = this.#db
      .prepare(`SELECT ${COLUMNS} FROM changes WHERE id = ?`)
      .raw()
      .get(checkId(id, "id")) as ChangeRow | undefined;
    return row === undefined ? undefined : this.#records([row])[0];
  }

  /** The change, or a `not_found` error naming it (and the field that named it, if given). */
  require(id: number, field?: string): ChangeRecord {
    const change = this.get(id);
    if (change === undefined) {
      throw new GatehouseError("not_found", `change ${id} does not exist`, field ? { field } : undefined);
    }
    return change;
  }

  /** Newest first. */
  list(filter: { tenant?: string; state?: ChangeState; limit?: number }): ChangeRecord[] {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.tenant !== undefined) {
      conditions.push("tenant = ?");
      params.push(checkTenant(filter.tenant, { field: "tenant" }));
    }
    if (filter.state !== undefined) {
      conditions.push("state = ?");
      params.push(checkState(filter.state));
    }
    let sql = `SELECT ${COLUMNS} FROM changes`;
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(" AND ")}`;
    sql += " ORDER BY id DESC";
    if (filter.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(checkLimit(filter.limit, "limit"));
    }
    return this.#records(
      this.#db
        .prepare(sql)
        .raw()
        .all(...params) as ChangeRow[],
    );
  }

  /** Sets the fields the update names; the others stay as they are. */
  update(id: number, update: ChangeUpdate): void {
    this.require(checkId(id, "id"));
    const sets: string[] = [];
    const params: unknown[] = [];
    if (update.state !== undefined) {
      sets.push("state = ?");
      params.push(checkState(update.state));
    }
    if (update.plan !== undefined) {
      sets.push("plan = ?");
      params.push(update.plan === null ? null : jsonText(update.plan, "plan"));
    }
    if (update.baseRevision !== undefined) {
      sets.push("base_revision = ?");
      params.push(this.#revisions.at(update.baseRevision));
    }
    if (update.revertedBy !== undefined) {
      sets.push("reverted_by = ?");
      params.push(this.require(checkId(update.revertedBy, "revertedBy"), "revertedBy").id);
    }
    if (sets.length === 0) return;
    this.#db.prepare(`UPDATE changes SET ${sets.join(", ")} WHERE id = ?`).run(...params, id);
  }

  /** One approval per principal, change and plan; a second is a `conflict`. */
  approve(id: number, principal: string, comment: string | null, plan: string | null): void {
    this.require(checkId(id, "id"));
    checkText(principal, "principal");
    if (comment !== null && typeof comment !== "string") {
      throw inputError("invalid comment: expected text or null", { field: "comment" });
    }
    if (plan !== null) checkText(plan, "plan");
    const inserted = this.#db
      .prepare(
        `INSERT INTO approvals (change_id, principal, at, comment, plan) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (change_id, principal, plan) DO NOTHING`,
      )
      .run(id, principal, this.#now(), comment, plan ?? "");
    if (inserted.changes === 0) throw alreadyApproved(principal, id, plan);
  }

  /** Rewrites what a change says (a purge removing the names of what it purged). */
  rewrite(id: number, record: Pick<ChangeRecord, "reason" | "spec" | "plan" | "applied">): void {
    this.#db
      .prepare("UPDATE changes SET reason = ?, spec = ?, plan = ?, applied = ? WHERE id = ?")
      .run(
        record.reason,
        specToJson(record.spec),
        record.plan === null ? null : jsonText(record.plan, "plan"),
        record.applied === null ? null : appliedToJson(record.applied),
        checkId(id, "id"),
      );
  }

  markApplied(id: number, revision: Revision, applied: NonNullable<ChangeRecord["applied"]>): void {
    this.#db
      .prepare("UPDATE changes SET state = 'applied', applied_revision = ?, applied = ? WHERE id = ?")
      .run(revision, appliedToJson(applied), id);
  }

  /** Rows to records, with all their approvals read in one query. */
  #records(rows: readonly ChangeRow[]): ChangeRecord[] {
    if (rows.length === 0) return [];
    const approvals = new Map<number, Approval[]>();
    const approvalRows = this.#db
      .prepare(
        `SELECT change_id, principal, at, comment, plan FROM approvals
         WHERE change_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
      )
      .raw()
      .all(JSON.stringify(rows.map((row) => row[0]))) as ApprovalRow[];
    for (const [changeId, principal, at, comment, plan] of approvalRows) {
      const forChange = approvals.get(changeId) ?? [];
      forChange.push(approvalOf(principal, at, comment, plan));
      approvals.set(changeId, forChange);
    }
    return rows.map((row) => toRecord(row, approvals.get(row[0]) ?? []));
  }
}

function toRecord(row: ChangeRow, approvals: readonly Approval[]): ChangeRecord {
  const [
    id,
    tenant,
    intent,
    reason,
    author,
    state,
    spec,
    createdAt,
    plan,
    baseRevision,
    appliedRevision,
    applied,
    revertOf,
    revertedBy,
  ] = row;
  return {
    id,
    tenant,
    intent: intent as Intent,
    reason,
    author,
    state: state as ChangeState,
    spec: specFromJson(spec),
    createdAt,
    plan: plan === null ? null : (JSON.parse(plan) as unknown),
    baseRevision,
    appliedRevision,
    applied: applied === null ? null : appliedFromJson(applied),
    revertOf,
    revertedBy,
    approvals,
  };
}
