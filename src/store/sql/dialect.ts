import type { Revision } from "../store.js";
import type { Sql } from "./sql.js";

/** A column of rows passed as parameters (see `Dialect.rowsFrom`). */
export type ListColumn = readonly [name: string, type: "text" | "bigint" | "boolean"];

/**
 * What differs between SQLite and PostgreSQL, and nothing else: the tables write the rest of
 * their SQL once. (Kysely's dialect adapters state their capabilities the same way.)
 */
export interface Dialect {
  readonly kind: "sqlite" | "postgres";
  /**
   * Appended to a SELECT that must hold its rows to the end of the transaction. SQLite has one
   * writer, whose IMMEDIATE transaction already holds the whole file: it appends nothing.
   */
  readonly forUpdate: string;
  /** `FOR UPDATE SKIP LOCKED` where several nodes may reap the same rows; nothing on SQLite. */
  readonly forUpdateSkipLocked: string;
  /** The character that joins a shape's four columns (char 31), as an SQL expression. */
  readonly unitSeparator: string;
  /** A JSON array of `json_array(items)` per row, ordered, or NULL for no rows. */
  jsonArrays(items: string, orderBy: string): string;
  /**
   * A list of rows given as parameters `$first`..., as a table `alias(columns..., n)` where `n`
   * numbers the rows from 1 in order: PostgreSQL unnests one array per column, SQLite reads one
   * JSON array of rows. `rowsParams` makes the parameters, always one per column.
   */
  rowsFrom(first: number, columns: readonly ListColumn[], alias: string): string;
  rowsParams(columns: readonly (readonly unknown[])[]): unknown[];
  /**
   * Statements run in this process and cost no round trip (SQLite): writes go row by row, and a
   * scan reads no batch ahead, as nothing could read it meanwhile.
   */
  readonly inProcess: boolean;
  /**
   * Rows per statement of a relationship write: on PostgreSQL large enough to amortise a round
   * trip; on SQLite, rows between two turns of the event loop: a few milliseconds of inserts.
   */
  readonly writeChunk: number;
  /** The column that orders a change's approvals as they were given, for alias `a`. */
  readonly approvalOrder: string;
  /**
   * Takes the next audit record's seq, or undefined when what keeps it is gone (tampering). On
   * SQLite gap-free and in commit order, as writes take turns; on PostgreSQL from a sequence, so
   * that appends to different chains do not wait for each other: an act that rolls back leaves
   * a gap, and records of different chains may commit out of seq order.
   */
  takeAuditSeq(sql: Sql): Promise<number | undefined>;
  /**
   * Holds the numbering of changes (`max(id) + 1`) until the transaction ends, where proposals
   * could otherwise be numbered side by side: on PostgreSQL, proposals on different tenants hold
   * different audit chains. Absent on SQLite, whose write transaction holds the file.
   */
  readonly lockChangeIds?: ((sql: Sql) => Promise<void>) | undefined;
  /** Takes `count` decision sequence numbers, in commit order; returns the first. */
  takeDecisionSeqs(sql: Sql, count: number): Promise<number>;
  /**
   * The head readers see: the newest revision such that every revision up to it has committed
   * or been lost (on SQLite simply the newest committed one).
   */
  revisionHead(sql: Sql): Promise<Revision>;
  /**
   * Returns the head for a writer that holds its tenant or the whole store (`lockWriter`): on
   * SQLite the sequence is then held until the transaction ends; on PostgreSQL other tenants'
   * writers may still take numbers, and a store-wide writer holds them all already.
   */
  lockRevisions(sql: Sql): Promise<Revision>;
  /**
   * Holds the right to write until the transaction ends: a tenant's (`tenant`: exclusive among
   * that tenant's writers, shared with other tenants' writers) or the whole store's (`null`:
   * exclusive of every writer). Taken before anything else a write locks.
   */
  lockWriter(sql: Sql, tenant: string | null): Promise<void>;
  /**
   * Inserts the next revision row from `[tenant, kind, actor, reason, createdAt, door,
   * requestId]` and returns its number.
   */
  nextRevision(sql: Sql, values: readonly unknown[]): Promise<Revision>;
  /**
   * Where revisions may commit out of order (PostgreSQL): gives `revision` back from inside its
   * writer's transaction, which is about to roll back, if no later number was taken; else it
   * stays a gap. Absent where a rollback gives the number back by itself (SQLite).
   */
  readonly giveBackRevision?: ((sql: Sql, revision: Revision) => Promise<void>) | undefined;
  /**
   * Statements that make the next read an ordered walk of the relationships' primary key, run
   * inside the read (see `postgres-dialect.ts`), or none.
   */
  readonly orderedScan: string | undefined;
}
