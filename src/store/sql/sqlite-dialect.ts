import type { Dialect, ListColumn } from "./dialect.js";
import type { Sql } from "./sql.js";

/**
 * SQLite: one writer at a time for the whole file, so a write transaction (IMMEDIATE) is
 * already every lock the tables need; a revision is a row of `revisions` whose number is the
 * rowid, so a transaction that rolls back gives its number back.
 */
export const sqliteDialect: Dialect = {
  kind: "sqlite",
  forUpdate: "",
  forUpdateSkipLocked: "",
  unitSeparator: "char(31)",
  jsonArrays: (items, orderBy) => `json_group_array(json_array(${items}) ORDER BY ${orderBy})`,
  rowsFrom: (first: number, columns: readonly ListColumn[], alias: string) =>
    `(SELECT ${columns.map(([name], i) => `value->>${i} AS ${name}`).join(", ")}, key + 1 AS n
      FROM json_each($${first})) AS ${alias}`,
  // One JSON array of rows in the first parameter; the others are named by no placeholder.
  rowsParams: (columns) => {
    const count = columns[0]?.length ?? 0;
    const rows = new Array<unknown[]>(count);
    for (let i = 0; i < count; i++) rows[i] = columns.map((column) => column[i]);
    return [JSON.stringify(rows), ...columns.slice(1).map(() => null)];
  },
  inProcess: true,
  writeChunk: 2_000,
  approvalOrder: "a.rowid",
  takeAuditSeq: async (sql: Sql) => {
    const [row] = await sql.rows<[number]>("UPDATE audit_seq SET seq = seq + 1 WHERE one = 1 RETURNING seq");
    return row?.[0];
  },
  takeDecisionSeqs: async (sql: Sql, count: number) => {
    const [row] = await sql.rows<[number]>(
      "UPDATE decision_head SET next_seq = next_seq + $1 WHERE one = 1 RETURNING next_seq",
      [count],
    );
    return row![0] - count;
  },
  revisionHead: async (sql: Sql) => {
    const [row] = await sql.rows<[number]>("SELECT coalesce(max(revision), 0) FROM revisions");
    return row![0];
  },
  lockRevisions: (sql: Sql) => sqliteDialect.revisionHead(sql),
  // The IMMEDIATE transaction already excludes every other writer, of any tenant: SQLite has
  // one writer per file, so writes to different tenants take turns there whatever is done here.
  lockWriter: async () => {},
  nextRevision: async (sql: Sql, values: readonly unknown[]) => {
    const [row] = await sql.rows<[number]>(
      `INSERT INTO revisions (tenant, kind, actor, reason, created_at, door, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING revision`,
      values,
    );
    return row![0];
  },
  orderedScan: undefined,
};
