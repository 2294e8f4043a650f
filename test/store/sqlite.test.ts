import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { openStore } from "../../src/store/open-store.js";
import { applyMigrations, MIGRATIONS } from "../../src/store/sqlite/migrations.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { describeStoreConformance } from "./conformance.js";

const dir = mkdtempSync(join(tmpdir(), "gatehouse-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `store-${++files}.db`);

describeStoreConformance("sqlite :memory:", async (options) => SqliteStore.open(":memory:", options));
const filesOf = new WeakMap<Store, string>();
describeStoreConformance(
  "sqlite file",
  async (options) => {
    const path = newFile();
    const store = SqliteStore.open(path, options);
    filesOf.set(store, path);
    return store;
  },
  { openAgain: async (store) => SqliteStore.open(filesOf.get(store) ?? "") },
);

const create = (...texts: string[]) =>
  texts.map((text) => ({ operation: "create" as const, relationship: parseRelationship(text) }));

async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

describe("sqlite store file", () => {
  it("keeps relationships, schema and revisions across a reopen", async () => {
    const path = newFile();
    const first = SqliteStore.open(path);
    await first.writeRelationships("acme", create("document:a#viewer@user:ann"));
    await first.writeSchema("definition user {}");
    await first.close();

    const second = SqliteStore.open(path);
    expect(await second.headRevision()).toBe(2);
    expect(await second.tenants()).toEqual(["acme"]);
    expect((await second.readSchema())?.text).toBe("definition user {}");
    expect((await second.readRelationships("acme")).length).toBe(1);
    expect((await second.writeRelationships("acme", create("document:b#viewer@user:ann"))).revision).toBe(3);
    await second.close();
  });

  it("uses WAL and records the actor and reason with each revision", async () => {
    const path = newFile();
    const store = SqliteStore.open(path, { now: () => new Date("2030-01-02T03:04:05.000Z") });
    await store.writeRelationships("acme", create("document:a#viewer@user:ann"), {
      actor: "ann",
      reason: "onboarding",
    });
    await store.writeSchema("definition user {}", { actor: "bob" });
    await store.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(
      db.prepare("SELECT revision, tenant, kind, actor, reason, created_at FROM revisions").raw().all(),
    ).toEqual([
      [1, "acme", "relationships", "ann", "onboarding", "2030-01-02T03:04:05.000Z"],
      [2, null, "schema", "bob", null, "2030-01-02T03:04:05.000Z"],
    ]);
    db.close();
  });

  it("refuses a location it cannot open with an input error", async () => {
    expect(() => SqliteStore.open(join(dir, "missing", "x.db"))).toThrow(/directory does not exist/);
    const notADatabase = join(dir, "not-a-database.db");
    writeFileSync(notADatabase, "this is not sqlite, just a text file that is long enough to have a header");
    const error = (() => {
      try {
        SqliteStore.open(notADatabase);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).kind).toBe("input");
    expect((error as GatehouseError).message).toMatch(/^cannot open the store `.*not-a-database\.db`/);
  });
});

describe("sqlite import of a big batch", () => {
  const SUBJECT_INDEX = "SELECT sql FROM sqlite_master WHERE name = 'relationships_by_subject'";
  const batchOf = (texts: string[]) => ({
    relationships: texts.map((text) => parseRelationship(text)),
    lines: texts.map((_, i) => i + 1),
  });
  async function* batches(...texts: string[][]) {
    for (const t of texts) yield batchOf(t);
  }
  const many = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `document:d${from + i}#viewer@user:u${(from + i) % 7}`);

  it("builds the subject index again after moving into an empty store, as the migration made it", async () => {
    const path = newFile();
    const store = SqliteStore.open(path);
    const raw = new Database(path, { readonly: true });
    const before = raw.prepare(SUBJECT_INDEX).pluck().get();
    await store.importRelationships("acme", batches(many(300), many(300, 300)));
    // A small import into the bigger store keeps the index as it is.
    await store.importRelationships("acme", batches(many(5, 600)));
    expect(raw.prepare(SUBJECT_INDEX).pluck().get()).toBe(before);
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(
      raw
        .prepare(
          "SELECT count(*) FROM relationships INDEXED BY relationships_by_subject WHERE tenant = 'acme' AND subject_type = 'user' AND subject_id = 'u3'",
        )
        .pluck()
        .get(),
    ).toBe(many(605).filter((t) => t.endsWith("@user:u3")).length);
    raw.close();
    await store.close();
  });

  it("keeps the subject index when the move fails after dropping it, and writes nothing", async () => {
    const path = newFile();
    const store = SqliteStore.open(path);
    await store.writeSchema("definition user {}");
    const raw = new Database(path);
    const before = raw.prepare(SUBJECT_INDEX).pluck().get();
    raw.exec(`CREATE TRIGGER refuse AFTER INSERT ON relationships WHEN NEW.resource_id = 'd250'
      BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    await expect(store.importRelationships("acme", batches(many(300)))).rejects.toThrow(
      /refused by the test/,
    );
    expect(raw.prepare(SUBJECT_INDEX).pluck().get()).toBe(before);
    expect(raw.prepare("SELECT count(*) FROM relationships").pluck().get()).toBe(0);
    expect(await store.headRevision()).toBe(1);
    raw.close();
    await store.close();
  });
});

describe("sqlite change tables", () => {
  const audit = (action: string, target: string) => ({
    actor: "ann",
    action,
    tenant: "acme",
    target,
    reason: null,
    details: { n: 1 },
  });

  it("keeps changes, approvals, guards and the audit log across a reopen, with JSON a person can read", async () => {
    const path = newFile();
    const now = () => new Date("2030-01-02T03:04:05.000Z");
    const first = SqliteStore.open(path, { now });
    await first.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
    const change = await first.createChange(
      {
        tenant: "acme",
        intent: "cleanup",
        reason: "dedupe",
        author: "ann",
        spec: {
          writes: [parseRelationship("document:a#viewer@group:eng#member")],
          deletes: [parseRelationship("document:a#viewer@user:ann")],
          deleteWhere: [{ subjectType: "user", subjectId: "*" }],
          schema: null,
        },
      },
      audit("change.propose", "change:1"),
    );
    await first.addApproval(change.id, "bob", "ok", audit("change.approve", "change:1"));
    await first.writeGuards("cleanup: no-access-change", "ann", audit("guards.write", "guards"));
    const applied = await first.applyChange({
      changeId: change.id,
      tenant: "acme",
      updates: [
        { operation: "create", relationship: parseRelationship("document:a#viewer@group:eng#member") },
        { operation: "delete", relationship: parseRelationship("document:a#viewer@user:ann") },
      ],
      schema: null,
      actor: "bob",
      reason: "reviewed",
      region: { baseRevision: 1, objects: ["document:a"], schemaSensitive: false },
      audit: audit("change.apply", "change:1"),
    });
    await first.close();

    const second = SqliteStore.open(path);
    expect(await second.getChange(change.id)).toEqual(applied.change);
    expect((await second.readGuards())?.version).toBe(1);
    expect((await second.listAudit()).map((r) => r.action)).toEqual([
      "change.propose",
      "change.approve",
      "guards.write",
      "change.apply",
    ]);
    expect((await second.createChange({ ...change, revertOf: 1 }, audit("change.propose", "x"))).id).toBe(2);
    await second.close();

    const db = new Database(path, { readonly: true });
    const row = db.prepare("SELECT spec, applied FROM changes WHERE id = 1").get() as {
      spec: string;
      applied: string;
    };
    expect(JSON.parse(row.spec)).toEqual({
      writes: ["document:a#viewer@group:eng#member"],
      deletes: ["document:a#viewer@user:ann"],
      deleteWhere: [{ subjectType: "user", subjectId: "*" }],
      schema: null,
    });
    expect(JSON.parse(row.applied)).toEqual({
      created: ["document:a#viewer@group:eng#member"],
      deleted: ["document:a#viewer@user:ann"],
      schemaVersion: null,
    });
    expect(db.prepare("SELECT revision, tenant, kind, actor, reason FROM revisions").raw().all()).toEqual([
      [1, "acme", "relationships", null, null],
      [2, "acme", "change", "bob", "reviewed"],
    ]);
    db.close();
  });

  it("opens a store file written before the change tables existed, keeping its data", async () => {
    const path = newFile();
    const old = new Database(path);
    applyMigrations(old, MIGRATIONS.slice(0, 1));
    old.exec(`INSERT INTO revisions (tenant, kind, created_at) VALUES ('acme', 'relationships', '2029-01-01T00:00:00.000Z');
              INSERT INTO tenants VALUES ('acme', 1);
              INSERT INTO relationships VALUES ('acme', 'document', 'a', 'viewer', 'user', 'ann', '', 1, NULL);`);
    old.close();

    const store = SqliteStore.open(path);
    expect((await store.readRelationships("acme")).length).toBe(1);
    expect(await store.listChanges()).toEqual([]);
    const change = await store.createChange(
      {
        tenant: "acme",
        intent: "grant",
        reason: "r",
        author: "ann",
        spec: { writes: [], deletes: [], deleteWhere: [], schema: null },
      },
      audit("change.propose", "change:1"),
    );
    expect(change.id).toBe(1);
    await store.close();
  });
});

describe("sqlite migration 12: approvals name their plan", () => {
  const audit = (action: string, target: string) => ({
    actor: "bob",
    action,
    tenant: "acme",
    target,
    reason: null,
    details: null,
  });

  it("keeps approvals given before, without a plan, and lets the same principal approve a named plan", async () => {
    const path = newFile();
    const old = new Database(path);
    applyMigrations(
      old,
      MIGRATIONS.filter((m) => m.version < 12),
    );
    old.exec(`INSERT INTO changes (tenant, intent, reason, author, state, spec, created_at)
                VALUES ('acme', 'grant', 'r', 'ann', 'planned', '{"writes":[],"deletes":[],"deleteWhere":[],"schema":null}', '2029-01-01T00:00:00.000Z');
              INSERT INTO approvals (change_id, principal, at, comment) VALUES (1, 'bob', '2029-01-01T00:01:00.000Z', 'ok');`);
    old.close();

    const store = SqliteStore.open(path);
    expect((await store.getChange(1))?.approvals).toEqual([
      { principal: "bob", at: "2029-01-01T00:01:00.000Z", comment: "ok" },
    ]);
    await expect(store.addApproval(1, "bob", null, audit("change.approve", "change:1"))).rejects.toThrow(
      /`bob` has already approved change 1/,
    );
    const change = await store.addApproval(
      1,
      "bob",
      null,
      audit("change.approve", "change:1"),
      "0123456789abcdef",
    );
    expect(change.approvals.map((a) => a.plan)).toEqual([undefined, "0123456789abcdef"]);
    await store.close();
  });
});

describe("sqlite migrations", () => {
  it("numbers migrations in ascending order and records each one applied", async () => {
    // Ascending and unique; gaps are allowed (parallel work takes numbers ahead of merging).
    expect(MIGRATIONS.every((m, i) => i === 0 || m.version > MIGRATIONS[i - 1]!.version)).toBe(true);
    const path = newFile();
    await SqliteStore.open(path).close();
    await SqliteStore.open(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT version FROM store_migrations ORDER BY version").pluck().all()).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    db.close();
  });

  it("applies a new migration to an existing file, and a failed one leaves nothing of itself", () => {
    const db = new Database(":memory:");
    expect(applyMigrations(db)).toBe(MIGRATIONS.at(-1)?.version);
    const next = (MIGRATIONS.at(-1)?.version ?? 0) + 1;
    const failing = [
      ...MIGRATIONS,
      {
        version: next,
        description: "fails halfway",
        up: "CREATE TABLE half (x INTEGER); SELECT no_such_function();",
      },
    ];
    expect(() => applyMigrations(db, failing)).toThrow(/no_such_function/);
    expect(db.prepare("SELECT max(version) FROM store_migrations").pluck().get()).toBe(
      MIGRATIONS.at(-1)?.version,
    );
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);

    const working = [
      ...MIGRATIONS,
      { version: next, description: "adds a table", up: "CREATE TABLE later (x INTEGER)" },
    ];
    expect(applyMigrations(db, working)).toBe(next);
    expect(db.prepare("SELECT count(*) FROM later").pluck().get()).toBe(0);
    db.close();
  });

  // Every open took the write lock once a migration to find nothing missing, and every close
  // failed when `PRAGMA optimize` wanted it: behind a writer, past the busy timeout, a command
  // failed with SQLITE_BUSY after it had done its work.
  it("opens an up-to-date file while another process holds the write lock", async () => {
    const path = newFile();
    await SqliteStore.open(path).close();
    const writer = new Database(path);
    writer.exec("BEGIN IMMEDIATE");
    try {
      const store = SqliteStore.open(path, { busyTimeoutMs: 0 });
      expect(await store.headRevision()).toBe(0);
      await store.close();
    } finally {
      writer.exec("ROLLBACK");
      writer.close();
    }
  });

  it("refuses a store written by a newer version", async () => {
    const path = newFile();
    await SqliteStore.open(path).close();
    const db = new Database(path);
    db.prepare("INSERT INTO store_migrations VALUES (?, 'from the future', '2100-01-01T00:00:00Z')").run(999);
    db.close();
    expect(() => SqliteStore.open(path)).toThrow(/written by a newer Gatehouse \(store schema version 999/);
  });
});

describe("sqlite crash safety", () => {
  it("a transaction that fails halfway inside SQLite leaves nothing and consumes no revision", async () => {
    const path = newFile();
    const store = SqliteStore.open(path);
    await store.writeRelationships("acme", create("document:first#viewer@user:ann"));
    // A trigger makes SQLite itself fail on the third insert, after two rows were written.
    const db = new Database(path);
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON relationships WHEN NEW.resource_id = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await expect(
      store.writeRelationships(
        "newco",
        create("document:a#viewer@user:ann", "document:b#viewer@user:ann", "document:boom#viewer@user:ann"),
      ),
    ).rejects.toThrow(/boom/);
    db.exec("DROP TRIGGER boom");
    db.close();

    expect(await store.headRevision()).toBe(1);
    expect(await store.tenants()).toEqual(["acme"]);
    expect(await store.readRelationships("newco")).toEqual([]);
    await store.close();
    const reopened = SqliteStore.open(path);
    expect(await reopened.readRelationships("newco")).toEqual([]);
    expect((await reopened.writeRelationships("newco", create("document:a#viewer@user:ann"))).revision).toBe(
      2,
    );
    await reopened.close();
  });

  it("a process killed in the middle of a write leaves the store as it was, and writable", async () => {
    const path = newFile();
    const store = SqliteStore.open(path);
    await store.writeRelationships("acme", create("document:first#viewer@user:ann"));
    await store.close();

    // A tiny page cache forces the uncommitted rows into the WAL file before the kill, so
    // recovery really has frames to throw away.
    const writer = `
      const Database = require("better-sqlite3");
      const db = new Database(process.env.STORE);
      db.pragma("cache_size = 10");
      db.exec("BEGIN IMMEDIATE");
      const revision = db.prepare("INSERT INTO revisions (tenant, kind, created_at) VALUES ('acme', 'relationships', 'now')").run().lastInsertRowid;
      const insert = db.prepare("INSERT INTO relationships (tenant, resource_type, resource_id, relation, subject_type, subject_id, subject_relation, created_revision) VALUES ('acme', 'document', ?, 'viewer', 'user', 'ann', '', ?)");
      for (let i = 0; i < 20000; i++) insert.run("d" + i, revision);
      process.kill(process.pid, "SIGKILL");
    `;
    const child = spawnSync(process.execPath, ["-e", writer], { env: { ...process.env, STORE: path } });
    expect(child.signal).toBe("SIGKILL");
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(100_000);

    const reopened = SqliteStore.open(path);
    expect(await reopened.headRevision()).toBe(1);
    expect((await reopened.readRelationships("acme")).length).toBe(1);
    expect(
      (await reopened.writeRelationships("acme", create("document:second#viewer@user:ann"))).revision,
    ).toBe(2);
    await reopened.close();
  });
});

describe("openStore", () => {
  it("opens SQLite for a file path", async () => {
    const store = await openStore(newFile());
    expect(store.kind).toBe("sqlite");
    expect(await store.headRevision()).toBe(0);
    await store.close();
  });

  it("opens PostgreSQL for a postgres:// URL, and says clearly when it cannot, without echoing the password", async () => {
    // Port 1 on this machine refuses at once; the PostgreSQL tests cover a reachable server.
    for (const url of [
      "postgres://gate:secret@127.0.0.1:1/gatehouse",
      "postgresql://gate:secret@127.0.0.1:1/x",
    ]) {
      const error = await rejection(openStore(url));
      expect(error.kind).toBe("unavailable");
      expect(error.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: /);
      expect(error.message).not.toMatch(/secret/);
    }
    const bad = await rejection(openStore("postgres://gate:secret@127.0.0.1:1/x?schema=Bad-Name"));
    expect(bad.kind).toBe("input");
    expect(bad.message).toMatch(/invalid schema `Bad-Name`/);
    expect(bad.message).not.toMatch(/secret/);
  });

  it("refuses other URLs instead of creating a file named like one", async () => {
    const error = await rejection(openStore("mysql://db/gatehouse"));
    expect(error.kind).toBe("input");
    expect(error.message).toMatch(/unsupported store `mysql:\/\/db\/gatehouse`/);
    expect((await rejection(openStore(""))).kind).toBe("input");
  });
});
