import type { AuditFilter, AuditRecord, AuditVerification, NewAuditRecord } from "../change-records.js";
import { type AuditHead } from "../common/audit-chain.js";
import type { Revision } from "../store.js";
import type { Sql } from "./connection.js";
/**
 * The append-only audit log. Records are appended inside the transaction of the act they
 * describe, so an act that rolls back leaves no record, and a record never lacks its act.
 *
 * Lock order, which keeps transactions from deadlocking: the revision counter (writes), then
 * the audit head, then rows. A transaction that audits calls `lock` before it touches any row.
 * The head row (the last record's seq and hash) is both the lock and the sequence: a seq is the
 * locked head's plus one, so seqs are gap-free and in commit order, and each record is chained
 * to the one committed before it. SELECT ... FOR UPDATE returns the newest committed version
 * of the row it waited for, so the head read under the lock is never stale.
 */
export declare class AuditLog {
    #private;
    constructor(now: () => string);
    /** Holds the audit head until the transaction ends: no other act is audited meanwhile. */
    lock(sql: Sql): Promise<AuditHead>;
    /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
    append(sql: Sql, record: NewAuditRecord, revision?: Revision): Promise<AuditRecord>;
    /** Oldest first; see `auditQuery` (text compares in the "C" collation). */
    list(sql: Sql, filter: AuditFilter): Promise<AuditRecord[]>;
    /**
     * Run in a transaction of its own: it turns REPEATABLE READ first, so the head and every page
     * are read from one snapshot while appends go on.
     */
    verify(sql: Sql): Promise<AuditVerification>;
}
