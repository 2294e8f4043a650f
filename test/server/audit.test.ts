import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseApiError, GatehouseClient } from "../../src/client/client.js";
import { parseLocation } from "../../src/store/postgres/location.js";
import { POSTGRES_BASE, postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

/** The audit routes and client methods, on a SQLite file and on PostgreSQL, tampered with by raw SQL. */
const dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-http-"));
const postgres = await postgresUrlForTest("audit_http");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Tamper = (sql: string) => Promise<void>;
const stores: Array<[string, string, Tamper, (() => Promise<void>) | undefined]> = [];
{
  const path = join(dir, "gatehouse.db");
  stores.push([
    "SQLite",
    path,
    async (sql) => {
      const db = new Database(path);
      db.exec(sql);
      db.close();
    },
    undefined,
  ]);
}
if (!postgres.skip) {
  const { schema } = parseLocation(postgres.url!);
  stores.push([
    "PostgreSQL",
    postgres.url!,
    async (sql) => {
      const client = new pg.Client({ connectionString: POSTGRES_BASE });
      await client.connect();
      await client.query(`SET search_path TO "${schema}"`);
      await client.query(sql);
      await client.end();
    },
    () => postgres.drop!(),
  ]);
}

describe.each(stores)("audit over HTTP on %s", (_name, store, tamper, drop) => {
  let s: RunningServer;
  let client: GatehouseClient;
  let writer: string;

  beforeAll(async () => {
    s = await startServer(store);
    const admin = await s.token("root", "admin"); // audit record 1
    writer = await s.token("app", "write"); // 2
    client = new GatehouseClient({ url: s.url, token: admin });
  });
  afterAll(async () => {
    await s.close();
    await drop?.();
  });

  it("lists records with their hashes, filtered, and verifies an intact log", async () => {
    await s.call("GET", "/v1/tokens", { token: writer }); // 403, audited as record 3
    const { records } = await client.listAudit();
    expect(records.map((r) => [r.seq, r.action, r.actor])).toEqual([
      [1, "token.create", "test"],
      [2, "token.create", "test"],
      [3, "auth.forbidden", "app"],
    ]);
    expect(records[1]?.previousHash).toBe(records[0]?.hash);
    expect(
      (await client.listAudit({ action: "auth.forbidden", limit: 5 })).records.map((r) => r.seq),
    ).toEqual([3]);
    expect(await client.verifyAudit()).toEqual({ ok: true, checked: 3 });
  });

  it("needs the admin role", async () => {
    expect((await s.call("GET", "/v1/audit/verify", { token: writer })).status).toBe(403);
    expect((await s.call("GET", "/v1/audit/verify")).status).toBe(401);
  });

  it("refuses a malformed filter with a 400 naming it", async () => {
    const error = await client.listAudit({ since: "yesterday" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseApiError);
    expect((error as GatehouseApiError).status).toBe(400);
    expect((error as GatehouseApiError).body.message).toMatch(/invalid since `yesterday`/);
  });

  it("names the record edited behind its back", async () => {
    await tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
    const result = await client.verifyAudit();
    expect(result.ok).toBe(false);
    expect(result.firstBad).toMatchObject({ seq: 2, problem: "altered" });
    expect(result.firstBad?.message).toMatch(
      /^record 2 \(token\.create on token:app by mallory at .*\) was altered: its hash does not match its contents$/,
    );
  });
});
