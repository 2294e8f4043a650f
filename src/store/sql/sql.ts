import type { Dialect } from "./dialect.js";

/**
 * The statements of one transaction (or outside one); rows come back as arrays. SQL is written
 * once, with PostgreSQL's `$n` placeholders; the SQLite database numbers them its own way.
 */
export interface Sql {
  rows<T extends unknown[]>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; returns how many rows it touched. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
  /**
   * Runs one statement once per list of values, in order; returns how many rows each touched.
   * SQLite's fast path for many small writes (one await for all of them).
   */
  runEach(text: string, valueLists: readonly (readonly unknown[])[]): Promise<number[]>;
}

/**
 * A store's database, whichever it is: the table modules and the store see only this and the
 * dialect, so that every operation is written once.
 */
export interface Database {
  readonly dialect: Dialect;
  /** Statements outside a transaction, each seeing what is committed when it runs. */
  readonly sql: Sql;
  /**
   * Statements that need not wait for a transaction in progress, for reads of tables that no
   * long write touches. On SQLite they run inside it (its one connection), on PostgreSQL they
   * are `sql`.
   */
  readonly unordered: Sql;
  /** Runs `body` in one write transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T>;
  /** Runs `body` as reads that see one moment, without taking the write lock where there is one. */
  read<T>(body: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
