import type { Revision } from "../store.js";
import type { Dialect, ListColumn } from "./dialect.js";
import type { Sql } from "./sql.js";

/**
 * A batch of a scan must be an ordered walk of the primary key from the last tuple on: a few
 * milliseconds whatever the tenant's size. Right after a bulk load, before autovacuum has
 * analysed the table, the planner believes it tiny and prefers a bitmap scan of every remaining
 * row and a sort, which makes a million-row scan quadratic (measured: 30,000 rows/s instead of
 * hundreds of thousands). The settings last for the batch's transaction only.
 */
const ORDERED_INDEX_SCAN =
  "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off";

/**
 * PostgreSQL, for several nodes: writers take revision numbers from a sequence, and readers see
 * the head below every number still being written (`revisionHead`).
 *
 * Followers (every node's indexes) replay `revisionsSince(theirHead)`, so a revision must never
 * become visible after a higher one: a follower at 8 that had read 9 would never look at 8
 * again. With a sequence alone, writer A could take 8, writer B take 9 and commit first, and a
 * reader would see 9 without 8. So (migration 23's functions, one statement each):
 *
 * - a writer takes its number (`take_revision`) and, before anyone can see the number handed
 *   out, holds a transaction-level advisory lock keyed by it (two-int form: a class of the
 *   store's channel, the number's low 32 bits) until it commits or rolls back. The sequence and
 *   the lock are taken inside a session-level "gate" lock, shared among writers, so that
 *   nothing is between them unseen; the gate is let go at once.
 * - the head readers see (`settled_revision`) is read from one view of the lock table, after
 *   the sequence's last value: the lowest number still held minus one, else that last value;
 *   when a writer is inside the gate, it looks again a millisecond later. PostgreSQL ends a
 *   transaction's visibility as running before it lets go of its locks (`CommitTransaction`:
 *   `ProcArrayEndTransaction`, then `ResourceOwnerRelease` of the locks), so every number at or
 *   below that head has committed (visible to the next statement's snapshot) or rolled back. A
 *   number without a revision row is such a rollback, a gap the feed reports as skipped. The
 *   head is read in a statement of its own, before the reads it bounds.
 * - a write refused after its number (a conflict found while writing its rows, a value the
 *   database refuses) gives it back (`give_back_revision`, inside the gate held alone) if no
 *   later number was taken and its number is still held, so that it consumes none, as on
 *   SQLite. A failed statement ends a transaction's locks at once (before its ROLLBACK), so the
 *   writer makes a savepoint right after its number, and rolls back to it before giving back.
 *
 * No row is locked or left behind per write: writes to different tenants take their numbers
 * and commit side by side. A writer takes its number as late as it can: after the checks that
 * need only its tenant held (`lockWriter`), which therefore run beside other tenants' writes.
 *
 * The revision row's statement queues `pg_notify(channel, revision)`, which PostgreSQL delivers
 * to listeners at commit, in commit order: that may be a higher revision first, so a
 * notification only says "read the head again" (see `../postgres/revision-listener.ts`); not
 * with `notify` false (`?feed=poll`, for databases without LISTEN/NOTIFY), where followers poll.
 *
 * `lockWriter` uses transaction-level advisory locks keyed by the store's channel: a tenant has
 * no row to lock before its first revision (`tenants.first_revision` names one), and a key of 64
 * hashed bits that two names share by chance only makes their writers take turns.
 */
/** The savepoint right after a writer took its number (`nextRevision`). */
const NUMBER_TAKEN = "revision_number_taken";

export function postgresDialect(channel: string, notify = true): Dialect {
  // Without NOTIFY (`?feed=poll`), followers read the head on a timer instead.
  const notifyColumn = notify ? ", pg_notify($10, revision::text)" : "";
  // The advisory keys of the store's revision numbers (see above).
  const gate = `${channel} revision gate`;
  const numbers = `${channel} revision numbers`;
  const settledHead = async (sql: Sql): Promise<Revision> => {
    const [row] = await sql.rows<[string]>("SELECT settled_revision(hashtextextended($1, 0), hashtext($2))", [
      gate,
      numbers,
    ]);
    return Number(row?.[0] ?? 0);
  };
  return {
    kind: "postgres",
    forUpdate: " FOR UPDATE",
    forUpdateSkipLocked: " FOR UPDATE SKIP LOCKED",
    unitSeparator: "chr(31)",
    jsonArrays: (items, orderBy) => `json_agg(json_build_array(${items}) ORDER BY ${orderBy})`,
    rowsFrom: (first: number, columns: readonly ListColumn[], alias: string) =>
      `unnest(${columns.map(([, type], i) => `$${first + i}::${type}[]`).join(", ")}) WITH ORDINALITY
        AS ${alias}(${columns.map(([name]) => name).join(", ")}, n)`,
    rowsParams: (columns) => [...columns],
    inProcess: false,
    writeChunk: 20_000,
    approvalOrder: "a.position",
    lockChangeIds: async (sql: Sql) => {
      await sql.run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`${channel} change ids`]);
    },
    takeAuditSeq: async (sql: Sql) => {
      const [row] = await sql.rows<[number]>("SELECT nextval('audit_seq')");
      return row?.[0];
    },
    // The `decision` row's lock orders appends from every node, and a purge of the newest pages
    // never lets a number be given twice.
    takeDecisionSeqs: async (sql: Sql, count: number) => {
      const [row] = await sql.rows<[number]>(
        "UPDATE counters SET value = value + $1 WHERE name = 'decision' RETURNING value",
        [count],
      );
      return Number(row![0]) - count + 1;
    },
    revisionHead: settledHead,
    // No row to hold: a store-wide writer holds every writer already (`lockWriter(sql, null)`),
    // and a tenant's apply needs only its tenant held; other tenants' numbers may go on.
    lockRevisions: settledHead,
    lockWriter: async (sql: Sql, tenant: string | null) => {
      // The store-wide key first, always: a store-wide writer (exclusive) and a tenant's writer
      // (shared, then its tenant's key) never wait for each other in opposite orders. A tenant's
      // writer takes both in one round trip, the store-wide key in a subquery whose row the outer
      // query's lock is computed from, so it runs first (OFFSET 0 keeps it from being folded in).
      const writers = `${channel} writers`;
      if (tenant === null) {
        await sql.run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [writers]);
        return;
      }
      await sql.run(
        `SELECT pg_advisory_xact_lock(hashtextextended($2, 0))
         FROM (SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0)) OFFSET 0) store_wide`,
        [writers, `${channel} tenant ${tenant}`],
      );
    },
    nextRevision: async (sql: Sql, values: readonly unknown[]) => {
      const [row] = await sql.rows<[string]>(
        `INSERT INTO revisions (revision, tenant, kind, actor, reason, created_at, door, request_id)
         SELECT take_revision(hashtextextended($8, 0), hashtext($9)), $1, $2, $3, $4, $5, $6, $7
         RETURNING revision${notifyColumn}`,
        notify ? [...values, gate, numbers, channel] : [...values, gate, numbers],
      );
      if (row === undefined) throw new Error("no revision number was taken");
      // An error ends a transaction's locks at once, its number's with them, so that readers may
      // pass it before the ROLLBACK: an error after this point ends the savepoint's part only,
      // and the number is still held when it is given back.
      await sql.run(`SAVEPOINT ${NUMBER_TAKEN}`);
      return Number(row[0]);
    },
    giveBackRevision: async (sql: Sql, revision: Revision) => {
      await sql.run(`ROLLBACK TO SAVEPOINT ${NUMBER_TAKEN}`);
      await sql.run("SELECT give_back_revision(hashtextextended($1, 0), hashtext($2), $3)", [
        gate,
        numbers,
        revision,
      ]);
    },
    orderedScan: ORDERED_INDEX_SCAN,
  };
}
