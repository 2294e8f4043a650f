import pg from "pg";

export interface PostgresTarget {
  /** True when PostgreSQL cannot be reached and the run does not require it. */
  readonly skip: boolean;
  readonly reason?: string;
  /** A store location in a fresh schema of its own. */
  readonly url?: string;
  drop?(): Promise<void>;
}

export const POSTGRES_BASE = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** CI and `GATEHOUSE_REQUIRE_POSTGRES=1` turn a missing PostgreSQL into a failure, not a skip. */
const required = Boolean(process.env.CI) || process.env.GATEHOUSE_REQUIRE_POSTGRES === "1";

/**
 * A PostgreSQL store location for one test file, in a schema of its own that `drop` removes.
 * Says clearly when PostgreSQL is not there, and why the tests that need it are skipped.
 */
export async function postgresUrlForTest(name: string): Promise<PostgresTarget> {
  const client = new pg.Client({ connectionString: POSTGRES_BASE, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${POSTGRES_BASE.replace(/\/\/[^@]*@/, "//")} (${(error as Error).message}); set DATABASE_URL`;
    if (required)
      throw new Error(`${reason}; this run requires PostgreSQL (CI or GATEHOUSE_REQUIRE_POSTGRES=1)`);
    console.warn(`skipping PostgreSQL tests: ${reason}`);
    return { skip: true, reason };
  }
  const schema = `gh_${name}_${process.pid}_${Date.now().toString(36)}`;
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  const url = new URL(POSTGRES_BASE);
  url.searchParams.set("schema", schema);
  return {
    skip: false,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_BASE });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}
