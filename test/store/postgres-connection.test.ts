import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresConnection } from "../../src/store/postgres/connection.js";
import { parseLocation } from "../../src/store/postgres/location.js";
import { POSTGRES_BASE, postgresUrlForTest } from "../support/postgres.js";

/**
 * A connection whose backend ends while it waits between statements (an administrator's
 * pg_terminate_backend, a failover) must fail the transaction or session that holds it, not the
 * process: pg emits `error` on a checked-out client with no query to take it, and an unheard
 * `error` event is an uncaught exception (vitest fails the run on it).
 */
const target = await postgresUrlForTest("connection");

describe.skipIf(target.skip)("PostgreSQL connection whose backend ends", () => {
  const admin = new pg.Client({ connectionString: POSTGRES_BASE });
  const connections: PostgresConnection[] = [];
  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => {});
    await admin.end().catch(() => {});
    await target.drop?.();
  });

  const endBackend = async (pid: number) => {
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    // Long enough for the client to read the server's goodbye and emit its `error`.
    await new Promise((resolve) => setTimeout(resolve, 300));
  };

  it.each(["transaction", "session"] as const)(
    "fails the %s, keeps the process, and the next one works",
    async (kind) => {
      const connection = await PostgresConnection.open(parseLocation(target.url!));
      connections.push(connection);
      const failed = await connection[kind](async (sql) => {
        const [[pid]] = (await sql.rows<[number]>("SELECT pg_backend_pid()")) as [[number]];
        await endBackend(pid);
        await sql.rows("SELECT 1");
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(Error);
      expect(await connection[kind]((sql) => sql.rows<[number]>("SELECT 1"))).toEqual([[1]]);
    },
  );
});
