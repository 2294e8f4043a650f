import { inputError } from "../../model/errors.js";
import type { AuditFilter, AuditRecord, NewAuditRecord } from "../change-records.js";
import { checkLimit, checkText, checkTime, jsonText } from "../common/input-checks.js";
import type { Revision } from "../store.js";
import type { SqliteConnection } from "./connection.js";

const COLUMNS = "seq, at, actor, action, tenant, target, reason, revision, details";

type AuditRow = [
  seq: number,
  at: string,
  actor: string,
  action: string,
  tenant: string | null,
  target: string,
  reason: string | null,
  revision: number | null,
  details: string | null,
];

/**
 * The append-only audit log. Records are appended inside the transaction of the act they
 * describe, so an act that rolls back leaves no record, and a record never lacks its act.
 */
export class AuditLog {
  readonly #db: SqliteConnection;
  readonly #now: () => string;

  constructor(db: SqliteConnection, now: () => string) {
    this.#db = db;
    this.#now = now;
  }

  /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
  append(record: NewAuditRecord, revision?: Revision): AuditRecord {
    checkText(record.actor, "audit.actor");
    checkText(record.action, "audit.action");
    checkText(record.target, "audit.target");
    checkText(record.tenant ?? null, "audit.tenant", { nullable: true });
    checkText(record.reason ?? null, "audit.reason", { nullable: true });
    const given = record.revision ?? null;
    if (given !== null && (!Number.isSafeInteger(given) || given < 0)) {
      throw inputError(`invalid revision \`${given}\`: expected a whole number, 0 or more`, {
        field: "audit.revision",
      });
    }
    const row = this.#db
      .prepare(
        `INSERT INTO audit_log (at, actor, action, tenant, target, reason, revision, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      )
      .raw()
      .get(
        this.#now(),
        record.actor,
        record.action,
        record.tenant ?? null,
        record.target,
        record.reason ?? null,
        revision ?? given,
        jsonText(record.details, "audit.details"),
      ) as AuditRow;
    return toRecord(row);
  }

  /**
   * Oldest first. `since` is inclusive and `until` exclusive, so consecutive windows neither
   * overlap nor leave a gap; both compare as ISO text, so a date alone means its midnight (UTC).
   */
  list(filter: AuditFilter): AuditRecord[] {
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const key of ["actor", "action", "tenant", "target"] as const) {
      const value = filter[key];
      if (value === undefined) continue;
      conditions.push(`${key} = ?`);
      params.push(value);
    }
    if (filter.since !== undefined) {
      conditions.push("at >= ?");
      params.push(checkTime(filter.since, "since"));
    }
    if (filter.until !== undefined) {
      conditions.push("at < ?");
      params.push(checkTime(filter.until, "until"));
    }
    let sql = `SELECT ${COLUMNS} FROM audit_log`;
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(" AND ")}`;
    sql += " ORDER BY seq";
    if (filter.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(checkLimit(filter.limit, "limit"));
    }
    const rows = this.#db
      .prepare(sql)
      .raw()
      .all(...params) as AuditRow[];
    return rows.map(toRecord);
  }
}

function toRecord([
  seq,
  at,
  actor,
  action,
  tenant,
  target,
  reason,
  revision,
  details,
]: AuditRow): AuditRecord {
  return {
    seq,
    at,
    actor,
    action,
    tenant,
    target,
    reason,
    revision,
    details: details === null ? null : (JSON.parse(details) as unknown),
  };
}
