import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { NewAuditRecord } from "../../src/store/change-records.js";
import { PostgresConnection } from "../../src/store/postgres/connection.js";
import { parseLocation } from "../../src/store/postgres/location.js";
import {
  applyMigrations as applyPostgresMigrations,
  MIGRATIONS as POSTGRES_MIGRATIONS,
} from "../../src/store/postgres/migrations.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import {
  applyMigrations as applySqliteMigrations,
  MIGRATIONS as SQLITE_MIGRATIONS,
} from "../../src/store/sqlite/migrations.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { POSTGRES_BASE, postgresUrlForTest } from "../support/postgres.js";

/**
 * The audit chain against tampering done the way an intruder with database access would: raw
 * SQL on the store's own tables, behind Gatehouse's back. Runs on SQLite and PostgreSQL.
 */
interface Backend {
  /** A new, empty store, and raw SQL on its tables. */
  open(): Promise<{ store: Store; raw: Raw; again: () => Promise<Store> }>;
  /** A store at migration 3 (before the chain) holding `records`, then opened as it is now. */
  upgrade(records: readonly string[]): Promise<Store>;
  cleanup(): Promise<void>;
}

interface Raw {
  run(text: string): Promise<void>;
  rows(text: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const sqlite: Backend = {
  async open() {
    const path = join(dir, `audit-${++files}.db`);
    const store = SqliteStore.open(path, { now: clock() });
    const db = new Database(path);
    return {
      store,
      again: async () => SqliteStore.open(path),
      raw: {
        run: async (text) => void db.exec(text),
        rows: async (text) => db.prepare(text).raw().all() as unknown[][],
        close: async () => void db.close(),
      },
    };
  },
  async upgrade(records) {
    const path = join(dir, `audit-${++files}.db`);
    const db = new Database(path);
    applySqliteMigrations(db, SQLITE_MIGRATIONS.slice(0, 3));
    const insert = db.prepare(
      "INSERT INTO audit_log (at, actor, action, tenant, target, reason, revision, details) VALUES (?, 'ann', ?, 'acme', 'guards', NULL, NULL, ?)",
    );
    for (const [i, action] of records.entries())
      insert.run(`2029-01-01T00:00:0${i}.000Z`, action, `{"n":${i}}`);
    db.close();
    return SqliteStore.open(path, { now: clock() });
  },
  async cleanup() {},
};

const postgresTarget = await postgresUrlForTest("audit_chain");
const schemas: string[] = [];
const admin = postgresTarget.skip ? undefined : new pg.Pool({ connectionString: POSTGRES_BASE, max: 2 });
admin?.on("error", () => {});
const newSchema = () => {
  const schema = `gh_audit_${process.pid}_${Date.now().toString(36)}_${schemas.length + 1}`;
  schemas.push(schema);
  const url = new URL(POSTGRES_BASE);
  url.searchParams.set("schema", schema);
  return { url: url.toString(), schema };
};
const rawPostgres = async (schema: string): Promise<Raw> => {
  const client = new pg.Client({ connectionString: POSTGRES_BASE });
  await client.connect();
  await client.query(`SET search_path TO "${schema}"`);
  return {
    run: async (text) => void (await client.query(text)),
    rows: async (text) => (await client.query({ text, rowMode: "array" })).rows as unknown[][],
    close: () => client.end(),
  };
};

const postgres: Backend = {
  async open() {
    const { url, schema } = newSchema();
    const store = await PostgresStore.open(url, { now: clock() });
    return { store, again: () => PostgresStore.open(url), raw: await rawPostgres(schema) };
  },
  async upgrade(records) {
    const { url, schema } = newSchema();
    const connection = await PostgresConnection.open(parseLocation(url));
    await applyPostgresMigrations(connection, POSTGRES_MIGRATIONS.slice(0, 3));
    await connection.close();
    const raw = await rawPostgres(schema);
    for (const [i, action] of records.entries()) {
      await raw.run(
        `WITH next AS (UPDATE counters SET value = value + 1 WHERE name = 'audit' RETURNING value)
         INSERT INTO audit_log (seq, at, actor, action, tenant, target, reason, revision, details)
         SELECT value, '2029-01-01T00:00:0${i}.000Z', 'ann', '${action}', 'acme', 'guards', NULL, NULL, '{"n":${i}}' FROM next`,
      );
    }
    await raw.close();
    return PostgresStore.open(url, { now: clock() });
  },
  async cleanup() {
    for (const schema of schemas.splice(0)) await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  },
};

afterAll(async () => {
  await postgres.cleanup();
  await admin?.end();
  await postgresTarget.drop?.();
});

/** A clock one second apart per call, so each record's time names it. */
function clock(): () => Date {
  let tick = 0;
  return () => new Date(Date.UTC(2030, 0, 1, 0, 0, tick++));
}

const record = (n: number): NewAuditRecord => ({
  actor: n % 2 === 0 ? "ann" : "bob",
  action: "change.apply",
  tenant: "acme",
  target: `change:${n}`,
  reason: n % 3 === 0 ? null : `reason ${n}`,
  details: { n, nested: { list: [n, "x"] } },
});

const backends: Array<[string, Backend]> = [["SQLite", sqlite]];
if (!postgresTarget.skip) backends.push(["PostgreSQL", postgres]);

describe.each(backends)("audit chain on %s", (_name, backend) => {
  let store: Store;
  let raw: Raw;
  let again: () => Promise<Store>;
  const others: Store[] = [];

  /** A store holding records 1 to `count`. */
  async function withRecords(count: number): Promise<void> {
    ({ store, raw, again } = await backend.open());
    for (let n = 1; n <= count; n++) await store.appendAudit(record(n));
  }

  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await store?.close();
    await raw?.close();
  });

  it("an intact log verifies, and every record carries its hash and the one before it", async () => {
    ({ store, raw, again } = await backend.open());
    expect(await store.verifyAudit()).toEqual({ ok: true, checked: 0 });
    for (let n = 1; n <= 10; n++) await store.appendAudit(record(n));
    expect(await store.verifyAudit()).toEqual({ ok: true, checked: 10 });
    const listed = await store.listAudit();
    expect(listed.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(listed[0]?.previousHash).toBeNull();
    for (const [i, r] of listed.entries()) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(r.previousHash).toBe(listed[i - 1]?.hash);
    }
    expect(listed[4]?.details).toEqual({ n: 5, nested: { list: [5, "x"] } });
  });

  it("names a record whose field was edited", async () => {
    await withRecords(10);
    await raw.run("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5");
    const result = await store.verifyAudit();
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(4);
    expect(result.firstBad).toEqual({
      seq: 5,
      problem: "altered",
      message:
        "record 5 (change.apply on change:5 by mallory at 2030-01-01T00:00:04.000Z) was altered: its hash does not match its contents",
    });
  });

  it("names an edit of the details, down to the JSON", async () => {
    await withRecords(6);
    await raw.run(`UPDATE audit_log SET details = '{"n":3,"nested":{"list":[3,"y"]}}' WHERE seq = 3`);
    expect((await store.verifyAudit()).firstBad).toMatchObject({ seq: 3, problem: "altered" });
  });

  it("names a record removed from the middle, and the first", async () => {
    await withRecords(10);
    await raw.run("DELETE FROM audit_log WHERE seq = 7");
    expect((await store.verifyAudit()).firstBad).toEqual({
      seq: 7,
      problem: "removed",
      message: "record 7 is missing: 6 is followed by 8",
    });
    await raw.run("DELETE FROM audit_log WHERE seq IN (1, 8)");
    expect((await store.verifyAudit()).firstBad).toEqual({
      seq: 1,
      problem: "removed",
      message: "record 1 is missing: the log starts at 2",
    });
  });

  it("names two records swapped, whether or not their hashes moved with them", async () => {
    await withRecords(10);
    // Every column but seq moves: the hashes travel with the contents.
    await raw.run("UPDATE audit_log SET seq = -1 WHERE seq = 4");
    await raw.run("UPDATE audit_log SET seq = 4 WHERE seq = 5");
    await raw.run("UPDATE audit_log SET seq = 5 WHERE seq = -1");
    expect((await store.verifyAudit()).firstBad).toEqual({
      seq: 4,
      problem: "reordered",
      message:
        "records 4 and 5 are out of order: record 4 holds what was written as record 5 (change.apply on change:5 by bob at 2030-01-01T00:00:04.000Z)",
    });
    // Now put the hashes back where they were: only the contents are swapped.
    const hashes = await raw.rows(
      "SELECT seq, previous_hash, hash FROM audit_log WHERE seq IN (4, 5) ORDER BY seq",
    );
    const [[, p4, h4], [, p5, h5]] = hashes as [[number, string, string], [number, string, string]];
    await raw.run(
      `UPDATE audit_log SET previous_hash = CASE seq WHEN 4 THEN '${p5}' ELSE '${p4}' END,
         hash = CASE seq WHEN 4 THEN '${h5}' ELSE '${h4}' END WHERE seq IN (4, 5)`,
    );
    expect((await store.verifyAudit()).firstBad).toMatchObject({ seq: 4, problem: "reordered" });
  });

  it("names the last record removed, through the head, and keeps the gap after the next append", async () => {
    await withRecords(10);
    await raw.run("DELETE FROM audit_log WHERE seq = 10");
    expect(await store.verifyAudit()).toEqual({
      ok: false,
      checked: 9,
      firstBad: {
        seq: 10,
        problem: "removed",
        message: "record 10 is missing: the log ends at 9, but 10 records were written",
      },
    });
    await raw.run("DELETE FROM audit_log WHERE seq >= 8");
    expect((await store.verifyAudit()).firstBad?.message).toBe(
      "records 8 to 10 are missing: the log ends at 7, but 10 records were written",
    );
    // The next record is chained to the head, not to what is left: the removal stays visible.
    expect((await store.appendAudit(record(11))).seq).toBe(11);
    expect((await store.verifyAudit()).firstBad?.message).toBe(
      "records 8 to 10 are missing: 7 is followed by 11",
    );
  });

  it("names a row added behind Gatehouse's back, even one chained correctly", async () => {
    await withRecords(5);
    const [[hash]] = (await raw.rows("SELECT hash FROM audit_log WHERE seq = 5")) as [[string]];
    await raw.run(
      `INSERT INTO audit_log (seq, at, actor, action, tenant, target, reason, revision, details, previous_hash, hash)
       VALUES (6, '2030-01-01T00:00:09.000Z', 'mallory', 'token.create', NULL, 'token:x', NULL, NULL, NULL, '${hash}', 'beef')`,
    );
    expect((await store.verifyAudit()).firstBad).toEqual({
      seq: 6,
      problem: "inserted",
      message:
        "record 6 (token.create on token:x by mallory at 2030-01-01T00:00:09.000Z) was not written by Gatehouse: the log's head is record 5",
    });
  });

  it("names a record whose hash was rewritten to match its edit, by the next record's link or the head", async () => {
    await withRecords(5);
    // What an intruder who knows the encoding does: edit record 3 and store its new hash.
    const { auditHash } = await import("../../src/store/common/audit-chain.js");
    const [row] = (await store.listAudit()).filter((r) => r.seq === 3);
    const forged = auditHash({
      ...row!,
      actor: "mallory",
      revision: row!.revision,
      details: JSON.stringify(row!.details),
    });
    await raw.run(`UPDATE audit_log SET actor = 'mallory', hash = '${forged}' WHERE seq = 3`);
    expect((await store.verifyAudit()).firstBad).toEqual({
      seq: 3,
      problem: "altered",
      message:
        "record 3 (change.apply on change:3 by mallory at 2030-01-01T00:00:02.000Z) was altered: its hash was recomputed, and record 4 is chained to the hash it had when written",
    });
    const [last] = (await store.listAudit()).filter((r) => r.seq === 5);
    const forgedLast = auditHash({
      ...last!,
      reason: "nothing to see",
      details: JSON.stringify(last!.details),
    });
    await raw.run(`UPDATE audit_log SET reason = 'nothing to see', hash = '${forgedLast}' WHERE seq = 5`);
    await raw.run(`UPDATE audit_log SET actor = '${row!.actor}', hash = '${row!.hash}' WHERE seq = 3`);
    expect((await store.verifyAudit()).firstBad).toMatchObject({
      seq: 5,
      problem: "altered",
      message: expect.stringMatching(/^record 5 .* the audit head keeps the hash it had when written$/),
    });
  });

  it("refuses to append without the head, and verify says the head is gone", async () => {
    await withRecords(3);
    await raw.run("DELETE FROM audit_head");
    await expect(store.appendAudit(record(4))).rejects.toThrow(/the audit log's head is missing/);
    expect((await store.listAudit()).length).toBe(3);
    expect((await store.verifyAudit()).firstBad).toMatchObject({
      problem: "removed",
      message: /audit head .* is missing/,
    });
  });

  it("appends in parallel, from two handles on the store, still form one chain", async () => {
    ({ store, raw, again } = await backend.open());
    const other = await again();
    others.push(other);
    const appended = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? store : other).appendAudit(record(i + 1))),
    );
    expect(appended.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    expect(await store.verifyAudit()).toEqual({ ok: true, checked: 30 });
    expect(await other.verifyAudit()).toEqual({ ok: true, checked: 30 });
  });

  it("the migration chains records written before it, in seq order", async () => {
    const upgraded = await backend.upgrade(["change.propose", "change.approve", "change.apply"]);
    others.push(upgraded);
    expect(await upgraded.verifyAudit()).toEqual({ ok: true, checked: 3 });
    await upgraded.appendAudit(record(4));
    expect(await upgraded.verifyAudit()).toEqual({ ok: true, checked: 4 });
    const listed = await upgraded.listAudit();
    expect(
      listed.map((r) => [r.seq, r.action, r.previousHash === (listed[r.seq - 2]?.hash ?? null)]),
    ).toEqual([
      [1, "change.propose", true],
      [2, "change.approve", true],
      [3, "change.apply", true],
      [4, "change.apply", true],
    ]);
  });
});
