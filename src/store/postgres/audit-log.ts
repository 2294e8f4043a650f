import { inputError } from "../../model/errors.js";
import type { AuditFilter, AuditRecord, NewAuditRecord } from "../change-records.js";
import { checkLimit, checkText, checkTime, jsonText } from "../common/input-checks.js";
import type { Revision } from "../store.js";
import type { Sql } from "./connection.js";

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
 *
 * Lock order, which keeps transactions from deadlocking: the revision counter (writes), then
 * the audit counter, then rows. A transaction that audits calls `lock` before it touches any
 * row, and a seq is taken from the locked counter, so seqs are gap-free and in commit order.
 */
export class AuditLog {
  readonly #now: () => string;

  constructor(now: () => string) {
    this.#now = now;
  }

  /** Holds the audit counter until the transaction ends: no other act is audited meanwhile. */
  async lock(sql: Sql): Promise<void> {
    await sql.run("SELECT value FROM counters WHERE name = 'audit' FOR UPDATE");
  }

  /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
  async append(sql: Sql, record: NewAuditRecord, revision?: Revision): Promise<AuditRecord> {
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
    const details = jsonText(record.details, "audit.details");
    const [row] = await sql.rows<AuditRow>(
      `WITH next AS (UPDATE counters SET value = value + 1 WHERE name = 'audit' RETURNING value)
       INSERT INTO audit_log (${COLUMNS})
       SELECT value, $1, $2, $3, $4, $5, $6, $7, $8 FROM next
       RETURNING ${COLUMNS}`,
      [
        this.#now(),
        record.actor,
        record.action,
        record.tenant ?? null,
        record.target,
        record.reason ?? null,
        revision ?? given,
        details,
      ],
    );
    return toRecord(row!);
  }

  /**
   * Oldest first. `since` is inclusive and `until` exclusive, so consecutive windows neither
   * overlap nor leave a gap; both compare as ISO text ("C" collation), so a date alone means its
   * midnight (UTC).
   */
  async list(sql: Sql, filter: AuditFilter): Promise<AuditRecord[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (n: number) => string, value: unknown) => {
      params.push(value);
      conditions.push(condition(params.length));
    };
    for (const key of ["actor", "action", "tenant", "target"] as const) {
      const value = filter[key];
      if (value !== undefined) add((n) => `${key} = $${n}`, value);
    }
    if (filter.since !== undefined) add((n) => `at >= $${n}`, checkTime(filter.since, "since"));
    if (filter.until !== undefined) add((n) => `at < $${n}`, checkTime(filter.until, "until"));
    let text = `SELECT ${COLUMNS} FROM audit_log`;
    if (conditions.length > 0) text += ` WHERE ${conditions.join(" AND ")}`;
    text += " ORDER BY seq";
    if (filter.limit !== undefined) {
      params.push(checkLimit(filter.limit, "limit"));
      text += ` LIMIT $${params.length}`;
    }
    return (await sql.rows<AuditRow>(text, params)).map(toRecord);
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
