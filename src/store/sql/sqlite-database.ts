import { resolve } from "node:path";
import type { Database as SqliteHandle, Statement } from "better-sqlite3";
import BetterSqlite from "better-sqlite3";
import { inputError } from "../../model/errors.js";
import { applyMigrations } from "../sqlite/migrations.js";
import { Mutex } from "./mutex.js";
import { type Positional, positional, valuesFor } from "./placeholders.js";
import type { Database, Sql } from "./sql.js";
import { sqliteDialect } from "./sqlite-dialect.js";

interface Prepared {
  readonly statement: Statement<unknown[]>;
  readonly positional: Positional;
  readonly returns: boolean;
}

/**
 * One SQLite connection behind the asynchronous interface PostgreSQL has. better-sqlite3 runs
 * each statement to completion on the calling thread (the fastest way to use SQLite from Node);
 * what the wrapper adds is order: a transaction holds the connection across its awaits, and
 * every other statement waits until it has ended (`Mutex`), so none runs inside another
 * caller's transaction.
 */
export class SqliteDatabase implements Database {
  readonly dialect = sqliteDialect;
  #db: SqliteHandle | undefined;
  readonly #statements = new Map<string, Prepared>();
  readonly #mutex: Mutex;
  /** The statements of a transaction in progress: they run at once, it holds the connection. */
  readonly #inside: Sql = {
    rows: async <T extends unknown[]>(text: string, values?: readonly unknown[]) =>
      this.#rows<T>(text, values),
    run: async (text: string, values?: readonly unknown[]) => this.#run(text, values),
    runEach: async (text: string, valueLists: readonly (readonly unknown[])[]) =>
      valueLists.map((values) => this.#run(text, values)),
  };

  /** Outside a transaction, a statement runs at once; while one is open, after it has ended. */
  readonly sql: Sql = {
    rows: <T extends unknown[]>(text: string, values?: readonly unknown[]) =>
      this.#mutex.held
        ? this.#mutex.hold(async () => this.#rows<T>(text, values))
        : settled(() => this.#rows<T>(text, values)),
    run: (text: string, values?: readonly unknown[]) =>
      this.#mutex.held
        ? this.#mutex.hold(async () => this.#run(text, values))
        : settled(() => this.#run(text, values)),
    runEach: (text: string, valueLists: readonly (readonly unknown[])[]) =>
      this.#mutex.held
        ? this.#mutex.hold(async () => valueLists.map((values) => this.#run(text, values)))
        : settled(() => valueLists.map((values) => this.#run(text, values))),
  };

  readonly unordered: Sql = this.#inside;

  private constructor(db: SqliteHandle, mutex: Mutex) {
    this.#db = db;
    this.#mutex = mutex;
  }

  /** Opens (creating if needed) and migrates the file; a location SQLite cannot open is an input error. */
  static open(path: string, busyTimeoutMs: number): SqliteDatabase {
    let db: SqliteHandle | undefined;
    try {
      db = new BetterSqlite(path);
      // WAL lets readers (index loads, other nodes' followers) run while one writer commits;
      // NORMAL only risks the last commits on power loss, never corruption, in WAL mode.
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
      applyMigrations(db);
      return new SqliteDatabase(db, mutexOf(path));
    } catch (error) {
      db?.close();
      if (error instanceof BetterSqlite.SqliteError) {
        throw inputError(`cannot open the store \`${path}\`: ${error.message}`);
      }
      if (error instanceof TypeError && /directory does not exist/.test(error.message)) {
        throw inputError(`cannot open the store \`${path}\`: the directory does not exist`);
      }
      throw error;
    }
  }

  /** The newest revision, read at open (before any caller can hold the connection). */
  head(): number {
    return (
      (this.#open().prepare("SELECT coalesce(max(revision), 0) FROM revisions").pluck().get() as number) ?? 0
    );
  }

  /**
   * IMMEDIATE takes the write lock up front, so two writers (processes) never deadlock
   * upgrading a read lock. Throwing inside `body` rolls everything back.
   */
  transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#within("BEGIN IMMEDIATE", body);
  }

  /** A DEFERRED transaction: reads of one moment, without taking the write lock. */
  read<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#within("BEGIN DEFERRED", body);
  }

  async close(): Promise<void> {
    await this.#mutex.hold(async () => {
      const db = this.#db;
      if (db === undefined) return;
      this.#db = undefined;
      this.#statements.clear();
      // Keeps the query planner's statistics fresh; SQLite recommends it before closing. It may
      // want the write lock (to analyze): behind another process's writes it is left to a later
      // close, rather than failing a command that has done its work.
      try {
        db.pragma("optimize");
      } catch (error) {
        if (!(error instanceof BetterSqlite.SqliteError && error.code === "SQLITE_BUSY")) throw error;
      } finally {
        db.close();
      }
    });
  }

  #within<T>(begin: string, body: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#mutex.hold(async () => {
      const db = this.#open();
      db.exec(begin);
      try {
        const result = await body(this.#inside);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  #rows<T extends unknown[]>(text: string, values: readonly unknown[] = []): T[] {
    const prepared = this.#prepare(text);
    const params = bindable(valuesFor(prepared.positional, values));
    if (!prepared.returns) {
      prepared.statement.run(...params);
      return [];
    }
    return prepared.statement.all(...params) as T[];
  }

  #run(text: string, values: readonly unknown[] = []): number {
    const prepared = this.#prepare(text);
    const params = bindable(valuesFor(prepared.positional, values));
    if (prepared.returns) return prepared.statement.all(...params).length;
    return prepared.statement.run(...params).changes;
  }

  /** A prepared statement in raw mode, cached by its text: the store's SQL is a small fixed set. */
  #prepare(text: string): Prepared {
    let prepared = this.#statements.get(text);
    if (prepared === undefined) {
      const sqlite = positional(text);
      const statement = this.#open().prepare<unknown[]>(sqlite.text);
      const returns = statement.reader;
      if (returns) statement.raw(true);
      prepared = { statement, positional: sqlite, returns };
      this.#statements.set(text, prepared);
    }
    return prepared;
  }

  #open(): SqliteHandle {
    if (this.#db === undefined) throw new Error("the store is closed");
    return this.#db;
  }
}

/**
 * Handles on one file in one process share their order: a transaction awaits between its
 * statements, and another handle's BEGIN IMMEDIATE meanwhile would block the thread in SQLite's
 * busy wait, which the first can then never end.
 */
const FILE_MUTEXES = new Map<string, WeakRef<Mutex>>();

function mutexOf(path: string): Mutex {
  if (path === ":memory:" || path === "") return new Mutex();
  const key = resolve(path);
  let mutex = FILE_MUTEXES.get(key)?.deref();
  if (mutex === undefined) {
    mutex = new Mutex();
    FILE_MUTEXES.set(key, new WeakRef(mutex));
  }
  return mutex;
}

/** SQLite binds no booleans: they are stored as 1 and 0. Copies only when there is one. */
function bindable(values: readonly unknown[]): readonly unknown[] {
  for (const value of values) {
    if (typeof value === "boolean") return values.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  }
  return values;
}

/** Runs `body` now, its result or error as a promise. */
function settled<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error);
  }
}
