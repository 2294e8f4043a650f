import type { AuditFilter, AuditRecord, AuditVerification, NewAuditRecord } from "../change-records.js";
import { AuditChainCheck, type AuditHead, missingHead } from "../common/audit-chain.js";
import {
  AUDIT_COLUMNS,
  type AuditRow,
  auditQuery,
  chainedAuditRow,
  toAuditRecord,
  toChainRow,
} from "../common/audit-rows.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { Revision } from "../store.js";

/** Rows read per query while verifying: the log is walked by seq, never held whole. */
const VERIFY_PAGE = 1000;

/**
 * The append-only audit log. Records are appended inside the transaction of the act they
 * describe, so an act that rolls back leaves no record, and a record never lacks its act.
 *
 * Lock order, which keeps transactions from deadlocking: the revision counter (writes), then
 * the audit head, then rows. A transaction that audits calls `lock` before it touches any row.
 * The head row (the last record's seq and hash) is both the lock and the sequence: a seq is the
 * locked head's plus one, so seqs are gap-free and in commit order, and each record is chained
 * to the one committed before it. SELECT ... FOR UPDATE returns the newest committed version
 * of the row it waited for, so the head read under the lock is never stale; on SQLite the write
 * transaction holds the whole file. The seq is never the database's choice: a removed last
 * record must leave a gap the chain shows, not a number handed out again.
 */
export class AuditLog {
  readonly #dialect: Dialect;
  readonly #now: () => string;

  constructor(dialect: Dialect, now: () => string) {
    this.#dialect = dialect;
    this.#now = now;
  }

  /** Holds the audit head until the transaction ends: no other act is audited meanwhile. */
  async lock(sql: Sql): Promise<AuditHead> {
    const head = await this.#head(sql, this.#dialect.forUpdate);
    if (head === undefined) throw missingHead();
    return head;
  }

  /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
  async append(sql: Sql, record: NewAuditRecord, revision?: Revision): Promise<AuditRecord> {
    const row = chainedAuditRow(record, this.#now(), revision, await this.lock(sql));
    await sql.run(
      `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      row,
    );
    await sql.run("UPDATE audit_head SET seq = $1, hash = $2 WHERE one", [row[0], row[10]]);
    return toAuditRecord(row);
  }

  /** Oldest first; see `auditQuery` (text compares in the "C" collation). */
  async list(sql: Sql, filter: AuditFilter): Promise<AuditRecord[]> {
    const { text, params } = auditQuery(filter, (n) => `$${n}`);
    return (await sql.rows<AuditRow>(text, params)).map(toAuditRecord);
  }

  /** Run in a read of its own (`Database.read`): the head and every page are of one snapshot. */
  async verify(sql: Sql): Promise<AuditVerification> {
    const check = new AuditChainCheck(await this.#head(sql));
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = await sql.rows<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ${VERIFY_PAGE}`,
        [after],
      );
      for (const row of rows) if (!check.add(toChainRow(row))) return check.finish();
      const last = rows.at(-1);
      if (last === undefined || rows.length < VERIFY_PAGE) return check.finish();
      after = last[0];
    }
  }

  async #head(sql: Sql, locking = ""): Promise<AuditHead | undefined> {
    const [row] = await sql.rows<[number, string | null]>(`SELECT seq, hash FROM audit_head${locking}`);
    return row === undefined ? undefined : { seq: row[0], hash: row[1] };
  }
}
