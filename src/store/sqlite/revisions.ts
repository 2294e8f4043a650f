import { GatehouseError, inputError } from "../../model/errors.js";
import type { Revision, WriteOptions } from "../store.js";
import type { SqliteConnection } from "./connection.js";

/** What a revision wrote: relationships of a tenant, a schema version, or a change (either or both). */
export type RevisionKind = "relationships" | "schema" | "change" | "purge";

/**
 * The store-wide revision sequence. A revision is a row of `revisions`; its number is the rowid,
 * so a transaction that rolls back gives its number back and a refused write consumes none.
 */
export class Revisions {
  readonly #db: SqliteConnection;
  readonly #now: () => string;

  constructor(db: SqliteConnection, now: () => string) {
    this.#db = db;
    this.#now = now;
  }

  head(): Revision {
    return this.#db.prepare("SELECT coalesce(max(revision), 0) FROM revisions").pluck().get() as number;
  }

  /** The revision to read at: head when none is given; one not reached yet is `not_found`. */
  at(at: Revision | undefined): Revision {
    const head = this.head();
    if (at === undefined) return head;
    if (!Number.isSafeInteger(at) || at < 0) {
      throw inputError(`invalid revision \`${at}\`: expected a whole number, 0 or more`);
    }
    if (at > head)
      throw new GatehouseError("not_found", `revision ${at} does not exist; the newest is ${head}`);
    return at;
  }

  /** Starts a new revision; call inside the transaction that writes it. */
  next(tenant: string | null, kind: RevisionKind, options: WriteOptions): Revision {
    const result = this.#db
      .prepare(
        "INSERT INTO revisions (tenant, kind, actor, reason, created_at, door, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        tenant,
        kind,
        options.actor ?? null,
        options.reason ?? null,
        this.#now(),
        options.door ?? null,
        options.requestId ?? null,
      );
    return Number(result.lastInsertRowid);
  }
}
