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
  upgrade(records: readonly string[]): Promise<{ store: Store; raw: Raw }>;
  /** A new store, then opened by a node that knows the migrations before chains: its error. */
  openedByOlder(): Promise<unknown>;
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
    const store = SqliteStore.open(path, { now: clock() });
    const opened = new Database(path);
    return {
      store,
      raw: {
        run: async (text) => void opened.exec(text),
        rows: async (text) => opened.prepare(text).raw().all() as unknown[][],
        close: async () => void opened.close(),
      },
    };
  },
  async openedByOlder() {
    const path = join(dir, `audit-${++files}.db`);
    await SqliteStore.open(path).close();
    const db = new Database(path);
    try {
      applySqliteMigrations(
        db,
        SQLITE_MIGRATIONS.filter((m) => m.version < 23),
      );
    } catch (error) {
      return error;
    } finally {
      db.close();
    }
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
    return { store: await PostgresStore.open(url, { now: clock() }), raw: await rawPostgres(schema) };
  },
  async openedByOlder() {
    const { url } = newSchema();
    await (await PostgresStore.open(url)).close();
    const connection = await PostgresConnection.open(parseLocation(url));
    try {
      await applyPostgresMigrations(
        connection,
        POSTGRES_MIGRATIONS.filter((m) => m.version < 24),
      );
    } catch (error) {
      return error;
    } finally {
      await connection.close();
    }
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

/** Record `n` on `tenant` (null: the store-wide chain). */
const on = (tenant: string | null, n: number): NewAuditRecord => ({ ...record(n), tenant });

const backends: Array<[string, Backend]> = [["SQLite", sqlite]];
if (!postgresTarget.skip) backends.push(["PostgreSQL", postgres]);

describe.each(backends)("audit chain on %s", (name, backend) => {
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
      message: "record 7 is missing: 6 is followed by 8 in tenant `acme`'s chain",
    });
    await raw.run("DELETE FROM audit_log WHERE seq IN (1, 8)");
    expect((await store.verifyAudit()).firstBad).toEqual({
      seq: 1,
      problem: "removed",
      message: "record 1 is missing: tenant `acme`'s chain starts at 2",
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
        message:
          "record 10 is missing: tenant `acme`'s chain ends at record 9, number 9 of the 10 written to it",
      },
    });
    await raw.run("DELETE FROM audit_log WHERE seq >= 8");
    expect((await store.verifyAudit()).firstBad?.message).toBe(
      "records 8 to 10 are missing: tenant `acme`'s chain ends at record 7, number 7 of the 10 written to it",
    );
    // The next record is chained to the head, not to what is left: the removal stays visible.
    expect((await store.appendAudit(record(11))).seq).toBe(11);
    expect((await store.verifyAudit()).firstBad?.message).toBe(
      "records 8 to 10 are missing: 7 is followed by 11 in tenant `acme`'s chain",
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

  describe("one chain per tenant, and one store-wide", () => {
    /** Records 1 to 9, on acme, globex and the store-wide chain in turn. */
    async function withChains(): Promise<void> {
      ({ store, raw, again } = await backend.open());
      const tenants = ["acme", "globex", null] as const;
      for (let n = 1; n <= 9; n++) await store.appendAudit(on(tenants[(n - 1) % 3]!, n));
    }

    it("chains each record to the one before it on its tenant, numbered within its chain", async () => {
      await withChains();
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 9 });
      const listed = await store.listAudit();
      expect(listed.map((r) => [r.seq, r.tenant, r.chainSeq])).toEqual([
        [1, "acme", 1],
        [2, "globex", 1],
        [3, null, 1],
        [4, "acme", 2],
        [5, "globex", 2],
        [6, null, 2],
        [7, "acme", 3],
        [8, "globex", 3],
        [9, null, 3],
      ]);
      for (const r of listed) {
        const before = listed.filter((o) => o.tenant === r.tenant && o.seq < r.seq).at(-1);
        expect(r.previousHash).toBe(before?.hash ?? null);
      }
      // The heads: one row per chain, its last record's place, seq and hash.
      expect(
        await raw.rows(
          "SELECT chain, CAST(chain_seq AS INTEGER), CAST(seq AS INTEGER) FROM audit_chains ORDER BY chain",
        ),
      ).toEqual([
        ["", 3, 9],
        ["acme", 3, 7],
        ["globex", 3, 8],
      ]);
    });

    it("names the last record of one chain removed, though other chains go on after it", async () => {
      await withChains();
      await raw.run("DELETE FROM audit_log WHERE seq = 7");
      expect(await store.verifyAudit()).toEqual({
        ok: false,
        checked: 8,
        firstBad: {
          seq: 7,
          problem: "removed",
          message:
            "record 7 is missing: tenant `acme`'s chain ends at record 4, number 2 of the 3 written to it",
        },
      });
      // The next record of the chain keeps the gap in view.
      expect((await store.appendAudit(on("acme", 10))).chainSeq).toBe(4);
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 7,
        problem: "removed",
        message: "record 7 is missing: 4 is followed by 10 in tenant `acme`'s chain",
      });
    });

    it("names a record removed from the middle of the store-wide chain", async () => {
      await withChains();
      await raw.run("DELETE FROM audit_log WHERE seq = 6");
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 6,
        problem: "removed",
        message: "record 6 is missing: 3 is followed by 9 in the store-wide chain",
      });
    });

    it("names every record of a chain removed, through its head", async () => {
      await withChains();
      await raw.run("DELETE FROM audit_log WHERE tenant = 'globex'");
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 2,
        problem: "removed",
        message:
          "records 2, 5 and 8 are missing: tenant `globex`'s chain is empty, but 3 records were written to it",
      });
    });

    it("names a head without records, and records past their chain's head", async () => {
      await withChains();
      await raw.run(
        "INSERT INTO audit_chains (chain, chain_seq, seq, hash) VALUES ('initech', 2, 9, 'beef')",
      );
      expect((await store.verifyAudit()).firstBad).toMatchObject({
        problem: "removed",
        message:
          "2 records of tenant `initech`'s chain are missing: tenant `initech`'s chain is empty, but 2 records were written to it",
      });
      await raw.run("DELETE FROM audit_chains WHERE chain = 'initech'");
      // A head moved back: the chain's last record is past it.
      await raw.run("UPDATE audit_chains SET chain_seq = 2, seq = 5 WHERE chain = 'globex'");
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 8,
        problem: "inserted",
        message:
          "record 8 (change.apply on change:8 by ann at 2030-01-01T00:00:07.000Z) was not written by Gatehouse: the head of tenant `globex`'s chain is record 5",
      });
    });

    it("names a chain whose head is gone, and refuses to append to it, not to the others", async () => {
      await withChains();
      await raw.run("DELETE FROM audit_chains WHERE chain = 'globex'");
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 8,
        problem: "removed",
        message:
          "the audit head of tenant `globex`'s chain (its last record's seq and hash, kept apart from the records) is missing",
      });
      await expect(store.appendAudit(on("globex", 10))).rejects.toThrow(/the audit log's head is missing/);
      expect((await store.appendAudit(on("acme", 10))).chainSeq).toBe(4);
      expect((await store.appendAudit(on("initech", 11))).chainSeq).toBe(1);
      expect((await store.listAudit()).length).toBe(11);
    });

    it("names records of two chains swapped, and a record edited in one chain", async () => {
      await withChains();
      await raw.run("UPDATE audit_log SET seq = -1 WHERE seq = 4");
      await raw.run("UPDATE audit_log SET seq = 4 WHERE seq = 5");
      await raw.run("UPDATE audit_log SET seq = 5 WHERE seq = -1");
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 4,
        problem: "reordered",
        message:
          "records 4 and 5 are out of order: record 4 holds what was written as record 5 (change.apply on change:5 by bob at 2030-01-01T00:00:04.000Z)",
      });
      await raw.run("UPDATE audit_log SET seq = -1 WHERE seq = 4");
      await raw.run("UPDATE audit_log SET seq = 4 WHERE seq = 5");
      await raw.run("UPDATE audit_log SET seq = 5 WHERE seq = -1");
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 9 });
      await raw.run("UPDATE audit_log SET tenant = 'initech' WHERE seq = 9");
      expect((await store.verifyAudit()).firstBad).toMatchObject({ seq: 9, problem: "altered" });
    });

    it.skipIf(name === "SQLite")(
      "a seq left unused by an act that rolled back is no gap in any chain (PostgreSQL; SQLite's seqs have no gaps)",
      async () => {
        await withChains();
        // What a rolled-back act leaves: a number taken from the sequence and never written.
        await raw.run("SELECT nextval('audit_seq')");
        expect((await store.appendAudit(on("acme", 11))).seq).toBe(11);
        expect(await store.verifyAudit()).toEqual({ ok: true, checked: 10 });
        await raw.run("DELETE FROM audit_log WHERE seq = 11");
        expect((await store.verifyAudit()).firstBad).toEqual({
          seq: 11,
          problem: "removed",
          message:
            "record 11 is missing: tenant `acme`'s chain ends at record 7, number 3 of the 4 written to it",
        });
        await store.appendAudit(on("acme", 12));
        expect((await store.verifyAudit()).firstBad).toEqual({
          seq: 10,
          problem: "removed",
          message:
            "1 record of tenant `acme`'s chain is missing: 7 is followed by 12 in tenant `acme`'s chain",
        });
      },
    );

    it("the migration keeps records written before chains as they were, and every chain starts from them", async () => {
      let upgraded: Store;
      ({ store: upgraded, raw } = await backend.upgrade([
        "change.propose",
        "change.approve",
        "change.apply",
      ]));
      others.push(upgraded);
      const tenants = ["acme", "globex", null, "acme", "globex", null] as const;
      const appended = [];
      for (const [i, tenant] of tenants.entries())
        appended.push(await upgraded.appendAudit(on(tenant, i + 4)));
      expect(await upgraded.verifyAudit()).toEqual({ ok: true, checked: 9 });
      const listed = await upgraded.listAudit();
      const last = listed[2]!;
      expect(listed.map((r) => [r.seq, r.tenant, r.chainSeq])).toEqual([
        [1, "acme", null],
        [2, "acme", null],
        [3, "acme", null],
        [4, "acme", 1],
        [5, "globex", 1],
        [6, null, 1],
        [7, "acme", 2],
        [8, "globex", 2],
        [9, null, 2],
      ]);
      // Each chain's first record is chained to the last record written before chains.
      expect(listed.slice(3, 6).map((r) => r.previousHash)).toEqual([last.hash, last.hash, last.hash]);
      expect(listed[6]?.previousHash).toBe(listed[3]?.hash);
      // An edit of an old record is still found, by its old hash.
      await raw.run("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
      expect((await upgraded.verifyAudit()).firstBad).toMatchObject({ seq: 2, problem: "altered" });
    });
  });

  it("a node of the version before chains refuses a store that has them: it would append to the old head beside them", async () => {
    expect(String(await backend.openedByOlder())).toMatch(/written by a newer Gatehouse/);
  });

  it("the migration chains records written before it, in seq order", async () => {
    let upgraded: Store;
    ({ store: upgraded, raw } = await backend.upgrade(["change.propose", "change.approve", "change.apply"]));
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
