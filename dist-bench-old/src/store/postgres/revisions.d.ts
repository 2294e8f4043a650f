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
export declare class Revisions {
    #private;
    constructor(channel: string, now: () => string);
    head(sql: Sql): Promise<Revision>;
    /** The revision to read at: head when none is given; one not reached yet is `not_found`. */
    at(sql: Sql, at: Revision | undefined): Promise<Revision>;
    /**
     * Locks the revision counter for the rest of the transaction and returns the head: nothing can
     * be written until this transaction ends, so checks made now still hold at its commit.
     */
    lock(sql: Sql): Promise<Revision>;
    /** Starts a new revision; call inside the transaction that writes it. */
    next(sql: Sql, tenant: string | null, kind: RevisionKind, options: WriteOptions): Promise<Revision>;
}
export declare function checkRevision(at: Revision): void;
/** `at`, if the store has reached it. */
export declare function notAfter(at: Revision, head: Revision): Revision;
