import type { AuditFilter, AuditRecord, AuditVerification, NewAuditRecord } from "../change-records.js";
import { AuditChainCheck, type ChainHead, chainOf, missingHead } from "../common/audit-chain.js";
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
 * Each record joins its tenant's chain (the store-wide chain when it has none: tokens, nodes,
 * guards, collections), whose head row is the lock: audited acts on one tenant take turns,
 * acts on different tenants do not (a tenant's writers hold its writer lock already, so they
 * took turns anyway). Every act audits one record, so a transaction holds one head: no two acts
 * can wait for each other's heads (an act that audited records of several chains would have to
 * lock their heads in one fixed order, by chain name).
 *
 * Lock order, which keeps transactions from deadlocking: the writer lock and the revision
 * sequence (writes), then the chain's head, then rows. A transaction that audits calls `lock`
 * before it touches any row. The head (the chain's last record's chain seq, seq and hash) is
 * read under its lock: SELECT ... FOR UPDATE returns the newest committed version of the row it
 * waited for, so it is never stale; on SQLite the write transaction holds the whole file. The
 * seq is taken under the chain's lock, so a chain's records are in seq order; it is never the
 * database's choice from the rows: a removed last record must leave a gap, not a number handed
 * out again.
 */
export class AuditLog {
  readonly #dialect: Dialect;
  readonly #now: () => string;

  constructor(dialect: Dialect, now: () => string) {
    this.#dialect = dialect;
    this.#now = now;
  }

  /**
   * Holds the chain `record` joins until the transaction ends: no other act on its tenant (or,
   * for a record of no tenant, no other store-wide act) is audited meanwhile.
   */
  async lock(sql: Sql, record: Pick<NewAuditRecord, "tenant">): Promise<ChainHead> {
    const chain = chainOf(record.tenant ?? null);
    return (await this.#lockHead(sql, chain)) ?? (await this.#startChain(sql, chain));
  }

  /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
  async append(sql: Sql, record: NewAuditRecord, revision?: Revision): Promise<AuditRecord> {
    const head = await this.lock(sql, record);
    const seq = await this.#dialect.takeAuditSeq(sql);
    if (seq === undefined) throw missingHead();
    const row = chainedAuditRow(record, this.#now(), revision, seq, head);
    await sql.run(
      `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      row,
    );
    const chainSeq = row[11] ?? 0;
    await sql.run("UPDATE audit_chains SET chain_seq = $1, seq = $2, hash = $3 WHERE chain = $4", [
      chainSeq,
      seq,
      row[10],
      chainOf(row[4]),
    ]);
    return toAuditRecord(row);
  }

  /** Oldest first; see `auditQuery` (text compares in the "C" collation). */
  async list(sql: Sql, filter: AuditFilter): Promise<AuditRecord[]> {
    const { text, params } = auditQuery(filter, (n) => `$${n}`);
    return (await sql.rows<AuditRow>(text, params)).map(toAuditRecord);
  }

  /** Run in a read of its own (`Database.read`): the heads and every page are of one snapshot. */
  async verify(sql: Sql): Promise<AuditVerification> {
    const [base] = await sql.rows<[number, string | null]>("SELECT seq, hash FROM audit_head");
    const heads = await sql.rows<[string, number, number, string | null]>(
      "SELECT chain, chain_seq, seq, hash FROM audit_chains WHERE chain_seq > 0",
    );
    const check = new AuditChainCheck(
      base === undefined ? undefined : { seq: base[0], hash: base[1] },
      heads.map(([chain, chainSeq, seq, hash]) => ({ chain, chainSeq, seq, hash })),
    );
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

  /**
   * The chain's head, locked; undefined when the chain has none yet. The base is looked at in
   * the same statement: with it gone, every append is refused, as before chains.
   */
  async #lockHead(sql: Sql, chain: string): Promise<ChainHead | undefined> {
    const [row] = await sql.rows<[number, number, string | null, number]>(
      `SELECT chain_seq, seq, hash, (SELECT count(*) FROM audit_head) FROM audit_chains WHERE chain = $1${this.#dialect.forUpdate}`,
      [chain],
    );
    if (row === undefined) return undefined;
    if (Number(row[3]) === 0) throw missingHead();
    return { chainSeq: row[0], seq: row[1], hash: row[2] };
  }

  /**
   * A chain's first record: its head starts at the base. Two acts starting the same chain at once
   * (PostgreSQL) meet on the head's key; the second waits for the first, then locks its head. A
   * chain that has records but no head lost its head: its next record would start it over.
   */
  async #startChain(sql: Sql, chain: string): Promise<ChainHead> {
    const started = await sql.run(
      `INSERT INTO audit_chains (chain, chain_seq, seq, hash)
       SELECT $1, 0, seq, hash FROM audit_head WHERE true ON CONFLICT (chain) DO NOTHING`,
      [chain],
    );
    if (started > 0) {
      const [had] = await sql.rows(
        "SELECT 1 FROM audit_log WHERE coalesce(tenant, '') = $1 AND chain_seq IS NOT NULL LIMIT 1",
        [chain],
      );
      if (had !== undefined) throw missingHead();
    }
    const head = await this.#lockHead(sql, chain);
    if (head === undefined) throw missingHead();
    return head;
  }
}
