import type { Socket } from "node:net";
import pg from "pg";
import type { Dialect } from "../sql/dialect.js";
import { postgresDialect } from "../sql/postgres-dialect.js";
import type { Database, Sql } from "../sql/sql.js";
import { storeError } from "./errors.js";

export type { Sql } from "../sql/sql.js";

import type { PostgresLocation } from "./location.js";

const INT8 = 20;
const JSON_OIDS = new Set([114, 3802]);

/**
 * Revisions, sequence numbers and counts are BIGINT, which pg returns as text by default: they
 * stay far below 2^53, so numbers are exact. JSON columns come back as their text, so that the
 * same code reads them as in SQLite.
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8) return (value: string) => Number(value);
    if (JSON_OIDS.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

export interface PoolOptions {
  /** Connections per store (default 10). */
  readonly max?: number;
  readonly connectionTimeoutMs?: number;
}

/**
 * A pool of connections to one store's schema. Every connection starts with the schema as its
 * `search_path`, so that the SQL names tables unqualified; errors leave here translated.
 */
export class PostgresConnection implements Database {
  readonly location: PostgresLocation;
  readonly dialect: Dialect;
  readonly #config: pg.ClientConfig;
  #pool: pg.Pool | undefined;

  private constructor(location: PostgresLocation, config: pg.ClientConfig, pool: pg.Pool) {
    this.location = location;
    this.dialect = postgresDialect(location.channel, location.feed === "listen");
    this.#config = config;
    this.#pool = pool;
  }

  /** Connects once, so that an unreachable server is reported at open, not at the first query. */
  static async open(location: PostgresLocation, options: PoolOptions = {}): Promise<PostgresConnection> {
    const config: pg.ClientConfig = {
      connectionString: location.connectionString,
      options: location.options,
      types: TYPES,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      application_name: "gatehouse",
      // A connection that dies without a word (a cut network) is noticed by the OS, not hung on.
      keepAlive: true,
    };
    // Idle connections must not keep a process alive; a store still open when the process
    // wants to exit has nothing left to do.
    const pool = new pg.Pool({ ...config, max: options.max ?? 10, allowExitOnIdle: true });
    // An idle connection that dies (a server restart) is reported here; the pool replaces it
    // at the next query, which is where the caller hears of trouble.
    pool.on("error", () => {});
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => {});
      throw storeError(error, location.target, true);
    }
    return new PostgresConnection(location, config, pool);
  }

  /** A connection of its own, outside the pool (LISTEN needs one that stays). */
  async dedicatedClient(applicationName: string): Promise<pg.Client> {
    this.#open();
    const client = new pg.Client({ ...this.#config, application_name: applicationName });
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (error) {
      throw storeError(error, this.location.target, true);
    }
    (client.connection.stream as Partial<Socket>).unref?.();
    return client;
  }

  /** Statements outside a transaction, each on whichever connection is free. */
  get sql(): Sql {
    return sqlOf(this.#open(), this.location.target);
  }

  get unordered(): Sql {
    return this.sql;
  }

  /** Runs `body` on one connection, outside any transaction it does not open itself. */
  async session<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    const pool = this.#open();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeError(error, this.location.target, false);
    }
    let broken: Error | undefined;
    // As in a transaction (`#within`): a backend that ends between statements fails the next one.
    client.on("error", ignoreError);
    try {
      return await body(sqlOf(client, this.location.target));
    } catch (error) {
      // A session may have left a transaction or a session lock behind: never pool it again.
      broken = error instanceof Error ? error : new Error(String(error));
      throw storeError(error, this.location.target, false);
    } finally {
      if (broken === undefined) client.off("error", ignoreError);
      client.release(broken);
    }
  }

  /**
   * Runs `body` in one transaction on one connection: committed when it returns, rolled back
   * when it throws (and the connection dropped if even the rollback fails).
   */
  transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#within("BEGIN", body);
  }

  /** REPEATABLE READ: every statement of `body` reads the same snapshot while writes go on. */
  read<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#within("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body);
  }

  async #within<T>(begin: string, body: (sql: Sql) => Promise<T>): Promise<T> {
    const pool = this.#open();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeError(error, this.location.target, false);
    }
    const sql = sqlOf(client, this.location.target);
    // A connection that dies while its transaction waits between statements (the backend ended
    // by an administrator, a failover) emits `error` with no query to take it: unheard, that
    // would end the process. The next statement fails instead, and the transaction with it; a
    // connection that failed keeps the listener until the pool discards it.
    client.on("error", ignoreError);
    try {
      await sql.run(begin);
      const result = await body(sql);
      await sql.run("COMMIT");
      client.off("error", ignoreError);
      client.release();
      return result;
    } catch (error) {
      try {
        // A statement that failed inside the revision gate (`take_revision`, migration 23) may
        // have left its session-level lock held: let go of it, or readers would wait for it.
        await client.query("ROLLBACK; SELECT pg_advisory_unlock_all()");
        client.off("error", ignoreError);
        client.release();
      } catch (rollbackError) {
        client.release(rollbackError as Error);
      }
      throw storeError(error, this.location.target, false);
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    if (pool === undefined) return;
    this.#pool = undefined;
    await pool.end();
  }

  #open(): pg.Pool {
    if (this.#pool === undefined) throw new Error("the store is closed");
    return this.#pool;
  }
}

function ignoreError(): void {}

function sqlOf(client: pg.Pool | pg.ClientBase, target: string): Sql {
  const query = async (text: string, values: readonly unknown[] | undefined) => {
    try {
      return await client.query({ text, values: values as unknown[] | undefined, rowMode: "array" });
    } catch (error) {
      throw storeError(error, target, false);
    }
  };
  return {
    rows: async <T extends unknown[]>(text: string, values?: readonly unknown[]) =>
      (await query(text, values)).rows as T[],
    run: async (text: string, values?: readonly unknown[]) => (await query(text, values)).rowCount ?? 0,
    runEach: async (text: string, valueLists: readonly (readonly unknown[])[]) => {
      const counts: number[] = [];
      for (const values of valueLists) counts.push((await query(text, values)).rowCount ?? 0);
      return counts;
    },
  };
}
