import type { AuditFilter, AuditRecord, NewAuditRecord } from "../change-records.js";
import {
  AUDIT_COLUMNS,
  type AuditRow,
  auditQuery,
  auditValues,
  toAuditRecord,
} from "../common/audit-rows.js";
import type { Revision } from "../store.js";
import type { SqliteConnection } from "./connection.js";

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
    const row = this.#db
      .prepare(
        `INSERT INTO audit_log (at, actor, action, tenant, target, reason, revision, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${AUDIT_COLUMNS}`,
      )
      .raw()
      .get(...auditValues(record, this.#now(), revision)) as AuditRow;
    return toAuditRecord(row);
  }

  /** Oldest first; see `auditQuery`. */
  list(filter: AuditFilter): AuditRecord[] {
    const { text, params } = auditQuery(filter, () => "?");
    const rows = this.#db
      .prepare(text)
      .raw()
      .all(...params) as AuditRow[];
    return rows.map(toAuditRecord);
  }
}
