import { GatehouseError, inputError } from "../../model/errors.js";
import type { Revision, WriteOptions } from "../store.js";
import type { Sql } from "./connection.js";

/** What a revision wrote: relationships of a tenant, a schema version, or a change (either or both). */
export type RevisionKind = "relationships" | "schema" | "change" | "purge";

/**
 * The store-wide revision sequence, and why it is a locked counter rather than a SEQUENCE.
 *
 * Followers (every node's indexes) replay `revisionsSince(theirHead)`, so a revision must never
 * become visible after a higher one: a follower at 8 that had read 9 would never look at 8
 * again. With a SEQUENCE, writer A could take 8, writer B take 9 and commit first. So a writer
 * takes its number with an UPDATE of the single `revision` row of `counters`, which locks that
 * row until the writer commits or rolls back: the next writer waits, and then reads the
 * committed value. Revisions therefore commit one at a time, in order, without gaps (a rolled
 * back writer gives its number back, as SQLite's rowid does). Writers on every node are
 * serialised, as SQLite's single writer is; they hold the lock only for their own transaction.
 *
 * The same statement queues `pg_notify(channel, revision)`, which PostgreSQL delivers to
 * listeners at commit, also in commit order (see `revision-listener.ts`).
 */
export class Revisions {
  readonly #channel: string;
  readonly #now: () => string;

  constructor(channel: string, now: () => string) {
    this.#channel = channel;
    this.#now = now;
  }

  async head(sql: Sql): Promise<Revision> {
    const [row] = await sql.rows<[number]>("SELECT value FROM counters WHERE name = 'revision'");
    return row?.[0] ?? 0;
  }

  /** The revision to read at: head when none is given; one not reached yet is `not_found`. */
  async at(sql: Sql, at: Revision | undefined): Promise<Revision> {
    if (at !== undefined) checkRevision(at);
    const head = await this.head(sql);
    return at === undefined ? head : notAfter(at, head);
  }

  /**
   * Locks the revision counter for the rest of the transaction and returns the head: nothing can
   * be written until this transaction ends, so checks made now still hold at its commit.
   */
  async lock(sql: Sql): Promise<Revision> {
    const [row] = await sql.rows<[number]>("SELECT value FROM counters WHERE name = 'revision' FOR UPDATE");
    return row?.[0] ?? 0;
  }

  /** Starts a new revision; call inside the transaction that writes it. */
  async next(sql: Sql, tenant: string | null, kind: RevisionKind, options: WriteOptions): Promise<Revision> {
    const [row] = await sql.rows<[number]>(
      `WITH next AS (UPDATE counters SET value = value + 1 WHERE name = 'revision' RETURNING value)
       INSERT INTO revisions (revision, tenant, kind, actor, reason, created_at, door, request_id)
       SELECT value, $1, $2, $3, $4, $5, $7, $8 FROM next
       RETURNING revision, pg_notify($6, revision::text)`,
      [
        tenant,
        kind,
        options.actor ?? null,
        options.reason ?? null,
        this.#now(),
        this.#channel,
        options.door ?? null,
        options.requestId ?? null,
      ],
    );
    if (row === undefined) throw new Error("the revision counter is missing");
    return row[0];
  }
}

export function checkRevision(at: Revision): void {
  if (!Number.isSafeInteger(at) || at < 0) {
    throw inputError(`invalid revision \`${at}\`: expected a whole number, 0 or more`);
  }
}

/** `at`, if the store has reached it. */
export function notAfter(at: Revision, head: Revision): Revision {
  if (at > head)
    throw new GatehouseError("not_found", `revision ${at} does not exist; the newest is ${head}`);
  return at;
}
