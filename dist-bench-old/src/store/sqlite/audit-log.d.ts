import type { AuditFilter, AuditRecord, AuditVerification, NewAuditRecord } from "../change-records.js";
import type { Revision } from "../store.js";
import type { SqliteConnection } from "./connection.js";
/**
 * The append-only audit log. Records are appended inside the transaction of the act they
 * describe, so an act that rolls back leaves no record, and a record never lacks its act.
 *
 * Every append runs in an IMMEDIATE transaction (the store's write lock), so reading the head,
 * inserting the record chained to it and moving the head cannot interleave with another writer,
 * in this process or another. The seq is the head's plus one, never SQLite's rowid choice: a
 * removed last record must leave a gap the chain shows, not a number handed out again.
 */
export declare class AuditLog {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
    append(record: NewAuditRecord, revision?: Revision): AuditRecord;
    /** Oldest first; see `auditQuery`. */
    list(filter: AuditFilter): AuditRecord[];
    /** One read transaction, so the head and the rows are of the same moment. */
    verify(): AuditVerification;
}
