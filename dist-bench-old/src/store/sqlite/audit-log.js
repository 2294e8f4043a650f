import { AuditChainCheck, missingHead } from "../common/audit-chain.js";
import { AUDIT_COLUMNS, auditQuery, chainedAuditRow, toAuditRecord, toChainRow, } from "../common/audit-rows.js";
/**
 * The append-only audit log. Records are appended inside the transaction of the act they
 * describe, so an act that rolls back leaves no record, and a record never lacks its act.
 *
 * Every append runs in an IMMEDIATE transaction (the store's write lock), so reading the head,
 * inserting the record chained to it and moving the head cannot interleave with another writer,
 * in this process or another. The seq is the head's plus one, never SQLite's rowid choice: a
 * removed last record must leave a gap the chain shows, not a number handed out again.
 */
export class AuditLog {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    /** Appends a record stamped with the store clock; `revision` overrides the record's own. */
    append(record, revision) {
        return this.#db.transaction(() => {
            const head = this.#head();
            if (head === undefined)
                throw missingHead();
            const row = chainedAuditRow(record, this.#now(), revision, head);
            this.#db
                .prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
                .run(...row);
            this.#db.prepare("UPDATE audit_head SET seq = ?, hash = ? WHERE one = 1").run(row[0], row[10]);
            return toAuditRecord(row);
        });
    }
    /** Oldest first; see `auditQuery`. */
    list(filter) {
        const { text, params } = auditQuery(filter, () => "?");
        const rows = this.#db
            .prepare(text)
            .raw()
            .all(...params);
        return rows.map(toAuditRecord);
    }
    /** One read transaction, so the head and the rows are of the same moment. */
    verify() {
        return this.#db.read(() => {
            const check = new AuditChainCheck(this.#head());
            const rows = this.#db
                .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`)
                .raw()
                .iterate();
            for (const row of rows) {
                if (!check.add(toChainRow(row)))
                    break;
            }
            return check.finish();
        });
    }
    #head() {
        const row = this.#db.prepare("SELECT seq, hash FROM audit_head WHERE one = 1").raw().get();
        return row === undefined ? undefined : { seq: row[0], hash: row[1] };
    }
}
//# sourceMappingURL=audit-log.js.map