import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
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
import { postgresUrlForTest } from "../support/postgres.js";

/**
 * Migration 10 moves the decision log from one row per check (migration 5) into pages: every
 * recorded decision is still there, with its sequence number, and new ones are numbered after.
 * Seqs 3 and 4 are missing (purged rows), so pages must not assume consecutive numbers.
 */
const OLD_ROWS = Array.from({ length: 1_203 }, (_, i) => {
  const seq = i < 2 ? i + 1 : i + 3;
  return {
    seq,
    at: `2030-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
    tenant: i % 2 === 0 ? "acme" : "globex",
    resource: `d${i}`,
    subject: i % 5 === 0 ? ["group", "eng", "member"] : ["user", `u${i}`, ""],
    allowed: i % 3 === 0,
    revision: i,
  };
});

async function expectMigrated(store: Store): Promise<void> {
  try {
    const all = await store.listDecisions();
    expect(all.map((d) => d.seq)).toEqual(OLD_ROWS.map((r) => r.seq));
    expect(all[5]).toEqual({
      seq: 8,
      at: "2030-01-01T00:00:05.000Z",
      tenant: "globex",
      resource: { type: "document", id: "d5" },
      permission: "view",
      subject: { type: "group", id: "eng", relation: "member" },
      allowed: false,
      revision: 5,
    });
    expect(await store.listDecisions({ tenant: "globex", allowed: true, limit: 2 })).toHaveLength(2);
    await store.appendDecisions([{ ...all[0]!, at: "2030-01-02T00:00:00.000Z" }]);
    const [newest] = await store.listDecisions({ afterSeq: OLD_ROWS.at(-1)!.seq });
    expect(newest!.seq).toBe(OLD_ROWS.at(-1)!.seq + 1);
  } finally {
    await store.close();
  }
}

const before10 = <M extends { version: number }>(migrations: readonly M[]) =>
  migrations.filter((m) => m.version < 10);

describe("decision log pages (migration 10)", () => {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-decision-pages-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("SQLite: rows of migration 5 become pages with their sequence numbers", async () => {
    const path = join(dir, "old.db");
    const db = new Database(path);
    applySqliteMigrations(db, before10(SQLITE_MIGRATIONS));
    const insert = db.prepare(
      "INSERT INTO decisions (seq, at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision) VALUES (?, ?, ?, 'document', ?, 'view', ?, ?, ?, ?, ?)",
    );
    for (const r of OLD_ROWS)
      insert.run(r.seq, r.at, r.tenant, r.resource, ...r.subject, r.allowed ? 1 : 0, r.revision);
    db.close();
    await expectMigrated(SqliteStore.open(path));
  });

  it("PostgreSQL: rows of migration 5 become pages with their sequence numbers", async (context) => {
    const target = await postgresUrlForTest("decision_pages");
    if (target.skip) return context.skip(target.reason);
    try {
      const connection = await PostgresConnection.open(parseLocation(target.url!));
      await applyPostgresMigrations(connection, before10(POSTGRES_MIGRATIONS));
      await connection.close();
      const location = parseLocation(target.url!);
      const client = new pg.Client({ connectionString: target.url!.replace(/\?.*$/, "") });
      await client.connect();
      await client.query(`SET search_path TO "${location.schema}"`);
      for (const r of OLD_ROWS) {
        await client.query(
          "INSERT INTO decisions (seq, at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, 'document', $4, 'view', $5, $6, $7, $8, $9)",
          [r.seq, r.at, r.tenant, r.resource, ...r.subject, r.allowed, r.revision],
        );
      }
      await client.end();
      await expectMigrated(await PostgresStore.open(target.url!));
    } finally {
      await target.drop?.();
    }
  });

  it("PostgreSQL: numbering goes on after the last number ever given, also when those rows were purged", async (context) => {
    const target = await postgresUrlForTest("decision_seq");
    if (target.skip) return context.skip(target.reason);
    try {
      const connection = await PostgresConnection.open(parseLocation(target.url!));
      await applyPostgresMigrations(connection, before10(POSTGRES_MIGRATIONS));
      for (const id of ["d1", "d2", "d3"]) {
        await connection.sql.run(
          "INSERT INTO decisions (at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision) VALUES ('2030-01-01T00:00:00.000Z', 'acme', 'document', $1, 'view', 'user', 'ann', '', true, 1)",
          [id],
        );
      }
      // The purge of migration 5's table removed the newest rows: numbers 2 and 3 were given.
      await connection.sql.run("DELETE FROM decisions WHERE seq > 1");
      await connection.close();
      const store = await PostgresStore.open(target.url!);
      try {
        const [old] = await store.listDecisions();
        await store.appendDecisions([{ ...old!, at: "2030-01-02T00:00:00.000Z" }]);
        expect((await store.listDecisions()).map((d) => d.seq)).toEqual([1, 4]);
      } finally {
        await store.close();
      }
    } finally {
      await target.drop?.();
    }
  });

  it("a version missing below the newest applied one (a reserved number landing late) is applied", async () => {
    const path = join(dir, "late.db");
    const db = new Database(path);
    applySqliteMigrations(
      db,
      SQLITE_MIGRATIONS.filter((m) => m.version !== 8),
    );
    expect(() => db.prepare("SELECT 1 FROM rollouts").get()).toThrow(/no such table/);
    applySqliteMigrations(db);
    expect(db.prepare("SELECT count(*) AS n FROM rollouts").get()).toEqual({ n: 0 });
    db.close();

    const target = await postgresUrlForTest("late_migration");
    if (target.skip) return;
    try {
      const connection = await PostgresConnection.open(parseLocation(target.url!));
      await applyPostgresMigrations(
        connection,
        POSTGRES_MIGRATIONS.filter((m) => m.version !== 8),
      );
      await applyPostgresMigrations(connection);
      const [[count]] = (await connection.sql.rows<[number]>("SELECT count(*)::int FROM rollouts")) as [
        [number],
      ];
      expect(count).toBe(0);
      await connection.close();
    } finally {
      await target.drop?.();
    }
  });
});
