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
 * PostgreSQL, for several nodes: revisions come from a locked counter, which is why (see
 * `nextRevision`).
 *
 * Followers (every node's indexes) replay `revisionsSince(theirHead)`, so a revision must never
 * become visible after a higher one: a follower at 8 that had read 9 would never look at 8
 * again. With a SEQUENCE, writer A could take 8, writer B take 9 and commit first. So a writer
 * takes its number with an UPDATE of the single `revision` row of `counters`, which locks that
 * row until the writer commits or rolls back: the next writer waits, and then reads the
 * committed value. Revisions therefore commit one at a time, in order, without gaps (a rolled
 * back writer gives its number back, as SQLite's rowid does). A writer takes its number as late
 * as it can: after the checks that need only its tenant held (`lockWriter`), which therefore run
 * beside other tenants' writes. From the number to the commit (rows, audit record, commit)
 * writers of every tenant still take turns.
 *
 * The same statement queues `pg_notify(channel, revision)`, which PostgreSQL delivers to
 * listeners at commit, also in commit order (see `../postgres/revision-listener.ts`); not with
 * `notify` false (`?feed=poll`, for databases without LISTEN/NOTIFY), where followers poll.
 *
 * `lockWriter` uses transaction-level advisory locks keyed by the store's channel: a tenant has
 * no row to lock before its first revision (`tenants.first_revision` names one), and a key of 64
 * hashed bits that two names share by chance only makes their writers take turns.
 */
export function postgresDialect(channel: string, notify = true): Dialect {
  // Without NOTIFY (`?feed=poll`), followers read the head on a timer instead.
  const notifyColumn = notify ? ", pg_notify($8, revision::text)" : "";
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
    // The `decision` row's lock orders appends from every node, and a purge of the newest pages
    // never lets a number be given twice.
    takeDecisionSeqs: async (sql: Sql, count: number) => {
      const [row] = await sql.rows<[number]>(
        "UPDATE counters SET value = value + $1 WHERE name = 'decision' RETURNING value",
        [count],
      );
      return Number(row![0]) - count + 1;
    },
    revisionHead: async (sql: Sql) => {
      const [row] = await sql.rows<[number]>("SELECT value FROM counters WHERE name = 'revision'");
      return row?.[0] ?? 0;
    },
    lockRevisions: async (sql: Sql) => {
      const [row] = await sql.rows<[number]>("SELECT value FROM counters WHERE name = 'revision' FOR UPDATE");
      return row?.[0] ?? 0;
    },
    lockWriter: async (sql: Sql, tenant: string | null) => {
      // The store-wide key first, always: a store-wide writer (exclusive) and a tenant's writer
      // (shared, then its tenant's key) never wait for each other in opposite orders.
      const shared = tenant === null ? "" : "_shared";
      await sql.run(`SELECT pg_advisory_xact_lock${shared}(hashtextextended($1, 0))`, [`${channel} writers`]);
      if (tenant !== null)
        await sql.run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
          `${channel} tenant ${tenant}`,
        ]);
    },
    nextRevision: async (sql: Sql, values: readonly unknown[]) => {
      const [row] = await sql.rows<[number]>(
        `WITH next AS (UPDATE counters SET value = value + 1 WHERE name = 'revision' RETURNING value)
         INSERT INTO revisions (revision, tenant, kind, actor, reason, created_at, door, request_id)
         SELECT value, $1, $2, $3, $4, $5, $6, $7 FROM next
         RETURNING revision${notifyColumn}`,
        notify ? [...values, channel] : values,
      );
      if (row === undefined) throw new Error("the revision counter is missing");
      return row[0];
    },
    orderedScan: ORDERED_INDEX_SCAN,
  };
}
