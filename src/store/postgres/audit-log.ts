import type { AuditFilter, AuditRecord, NewAuditRecord } from "../change-records.js";
import {
  AUDIT_COLUMNS,
  type AuditRow,
  auditQuery,
  auditValues,
  toAuditRecord,
} from "../common/audit-rows.js";
import type { Revision } from "../store.js";
import type { Sql } from "./connection.js";

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
    const [row] = await sql.rows<AuditRow>(
      `WITH next AS (UPDATE counters SET value = value + 1 WHERE name = 'audit' RETURNING value)
       INSERT INTO audit_log (${AUDIT_COLUMNS})
       SELECT value, $1, $2, $3, $4, $5, $6, $7, $8 FROM next
       RETURNING ${AUDIT_COLUMNS}`,
      auditValues(record, this.#now(), revision),
    );
    return toAuditRecord(row!);
  }

  /** Oldest first; see `auditQuery` (text compares in the "C" collation). */
  async list(sql: Sql, filter: AuditFilter): Promise<AuditRecord[]> {
    const { text, params } = auditQuery(filter, (n) => `$${n}`);
    return (await sql.rows<AuditRow>(text, params)).map(toAuditRecord);
  }
}
