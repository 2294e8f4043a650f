import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { openStore } from "../../src/store/open-store.js";
import { parseLocation } from "../../src/store/postgres/location.js";
import { applyMigrations, MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { PostgresStore, type PostgresStoreOptions } from "../../src/store/postgres/postgres-store.js";
import type { Revision, Store } from "../../src/store/store.js";
import { settled } from "../support/settled.js";
import { describeStoreConformance } from "./conformance.js";

/**
 * The conformance suite and PostgreSQL's own cases, against the server at DATABASE_URL (trust
 * auth on this machine's default). Every store lives in a schema of its own, dropped after the
 * test. Without a server the file skips, and says so; in CI (or with
 * GATEHOUSE_REQUIRE_POSTGRES=1) a missing server is a failure instead, so that a green run
 * always means both backends passed.
 */
const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const REQUIRED =
  !["", "0", "false"].includes(process.env.CI ?? "") || process.env.GATEHOUSE_REQUIRE_POSTGRES === "1";
const target = parseLocation(DATABASE_URL).target;

async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const problem = await unreachable();

if (problem !== undefined && REQUIRED) {
  describe("PostgreSQL store", () => {
    it("needs a PostgreSQL server (CI or GATEHOUSE_REQUIRE_POSTGRES=1)", () => {
      throw new Error(
        `PostgreSQL is required here but unreachable at ${target}: ${problem}. Start it, or point DATABASE_URL at one.`,
      );
    });
  });
} else if (problem !== undefined) {
  const reason = `PostgreSQL unreachable at ${target}: ${problem}; set DATABASE_URL or start the server`;
  console.warn(`\n!!! skipping the PostgreSQL store tests: ${reason}\n`);
  describe.skip(`PostgreSQL store (skipped: ${reason})`, () => {
    it("runs the conformance suite against PostgreSQL", () => {});
  });
} else {
  describePostgres();
}

function describePostgres(): void {
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  admin.on("error", () => {});
  const created: string[] = [];
  let schemas = 0;

  /** A fresh schema's URL; the schema is dropped after the test that made it. */
  const newSchema = (): { url: string; schema: string } => {
    const schema = `gh_test_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
    created.push(schema);
    const url = new URL(DATABASE_URL);
    url.searchParams.set("schema", schema);
    return { url: url.toString(), schema };
  };
  const urls = new WeakMap<Store, string>();
  const open = async (options: PostgresStoreOptions = {}, url = newSchema().url) => {
    const store = await PostgresStore.open(url, options);
    urls.set(store, url);
    return store;
  };

  afterEach(async () => {
    for (const schema of created.splice(0)) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
  afterAll(async () => {
    await admin.end();
  });

  describeStoreConformance("postgres", (options) => open(options), {
    openAgain: async (store) => PostgresStore.open(urls.get(store) ?? ""),
  });

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

  async function eventually(what: string, done: () => boolean, ms = 5_000): Promise<void> {
    const until = Date.now() + ms;
    while (!done()) {
      if (Date.now() > until) throw new Error(`waited ${ms} ms for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  describe("postgres store", () => {
    it("openStore opens a postgres:// URL, in the schema it names", async () => {
      const { url, schema } = newSchema();
      const store = await openStore(url);
      expect(store.kind).toBe("postgres");
      await store.writeRelationships("acme", create("document:a#viewer@user:ann"));
      await store.close();
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".relationships`);
      expect(rows[0].n).toBe(1);
    });

    it("nodes starting at once apply each migration exactly once", async () => {
      const { url, schema } = newSchema();
      const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(url)));
      const { rows } = await admin.query(`SELECT version FROM "${schema}".store_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      // Ascending and unique; gaps are allowed (parallel work takes numbers ahead of merging).
      expect(MIGRATIONS.every((m, i) => i === 0 || m.version > MIGRATIONS[i - 1]!.version)).toBe(true);
      await Promise.all(stores.map((s) => s.close()));
    });

    it("a failed migration leaves nothing of itself; a store from a newer Gatehouse is refused", async () => {
      const { url, schema } = newSchema();
      const store = await open({}, url);
      await store.close();
      const next = (MIGRATIONS.at(-1)?.version ?? 0) + 1;
      const failing = [
        ...MIGRATIONS,
        {
          version: next,
          description: "fails halfway",
          up: "CREATE TABLE half (x INT); SELECT no_such_function();",
        },
      ];
      const { PostgresConnection } = await import("../../src/store/postgres/connection.js");
      const connection = await PostgresConnection.open(parseLocation(url));
      await expect(applyMigrations(connection, failing)).rejects.toThrow(/no_such_function/);
      const half = await admin.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = 'half'",
        [schema],
      );
      expect(half.rows[0].n).toBe(0);
      expect(
        await applyMigrations(connection, [
          ...MIGRATIONS,
          { ...failing.at(-1)!, up: "CREATE TABLE later (x INT)" },
        ]),
      ).toBe(next);
      await connection.close();

      await admin.query(
        `INSERT INTO "${schema}".store_migrations VALUES (999, 'from the future', '2100-01-01')`,
      );
      const error = await rejection(PostgresStore.open(url));
      expect(error.message).toMatch(/written by a newer Gatehouse \(store schema version 999/);
    });

    it("a node of the version before revision sequences (migrations up to 21) refuses a store that has them", async () => {
      // Its writers would take numbers from the old counter row beside this version's sequence:
      // two writes with one revision. It judges a store by its newest migration, so the sequence's
      // migration is numbered above every one it knows (it was written as 18: then it opened).
      const sequence = MIGRATIONS.find((m) => m.description.startsWith("revision numbers from a sequence"))!;
      expect(sequence.version).toBeGreaterThan(21);
      const { url } = newSchema();
      const store = await open({}, url);
      await store.close();
      const { PostgresConnection } = await import("../../src/store/postgres/connection.js");
      const connection = await PostgresConnection.open(parseLocation(url));
      const older = MIGRATIONS.filter((m) => m.version <= 21);
      // The store's newest migration is named: the sequence's, or a later one.
      await expect(applyMigrations(connection, older)).rejects.toThrow(
        new RegExp(
          `written by a newer Gatehouse \\(store schema version ${MIGRATIONS.at(-1)!.version}; this version knows up to 21\\)`,
        ),
      );
      await connection.close();
    });

    it("migration 12 keeps approvals given before, without a plan, and keys approvals by plan", async () => {
      const { url, schema } = newSchema();
      const { PostgresConnection } = await import("../../src/store/postgres/connection.js");
      const connection = await PostgresConnection.open(parseLocation(url));
      await applyMigrations(
        connection,
        MIGRATIONS.filter((m) => m.version < 12),
      );
      await connection.close();
      await admin.query(
        `INSERT INTO "${schema}".changes (id, tenant, intent, reason, author, state, spec, created_at)
           VALUES (1, 'acme', 'grant', 'r', 'ann', 'planned', '{"writes":[],"deletes":[],"deleteWhere":[],"schema":null}', '2029-01-01T00:00:00.000Z')`,
      );
      await admin.query(
        `INSERT INTO "${schema}".approvals (change_id, principal, at, comment) VALUES (1, 'bob', '2029-01-01T00:01:00.000Z', 'ok')`,
      );
      const store = await PostgresStore.open(url);
      expect((await store.getChange(1))?.approvals).toEqual([
        { principal: "bob", at: "2029-01-01T00:01:00.000Z", comment: "ok" },
      ]);
      const audit = {
        actor: "bob",
        action: "change.approve",
        tenant: "acme",
        target: "change:1",
        reason: null,
        details: null,
      };
      const again = await rejection(store.addApproval(1, "bob", null, audit));
      expect(again.message).toContain("`bob` has already approved change 1");
      const change = await store.addApproval(1, "bob", null, audit, "0123456789abcdef");
      expect(change.approvals.map((a) => a.plan)).toEqual([undefined, "0123456789abcdef"]);
      await store.close();
    });

    it("writers on several nodes get gap-free revisions, and each commits before the next is taken", async () => {
      const first = await open();
      const second = await PostgresStore.open(urls.get(first) ?? "");
      const writes = Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? first : second).writeRelationships(
          i % 3 === 0 ? "acme" : "globex",
          create(`document:d${i}#viewer@user:ann`),
        ),
      );
      const revisions = (await Promise.all(writes)).map((w) => w.revision).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const events = await second.revisionsSince(0);
      expect(events.map((e) => e.revision)).toEqual(revisions);
      expect(events.every((e) => e.created.length === 1)).toBe(true);
      await second.close();
      await first.close();
    });

    it("a revision number taken and not committed yet holds the head below it: a follower never sees a later revision first", async () => {
      // Before migration 23 a writer held the revision row to its commit, and the next writer
      // waited; now the next writer commits a higher number beside it, and readers wait instead.
      const store = await open();
      const { schema, channel } = parseLocation(urls.get(store) ?? "");
      await store.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
      const holder = await admin.connect();
      try {
        await holder.query("BEGIN");
        // What a slow writer on another node does: take revision 2 and not commit yet.
        const { rows } = await holder.query(
          `SELECT "${schema}".take_revision(hashtextextended($1, 0), hashtext($2)) AS n`,
          [`${channel} revision gate`, `${channel} revision numbers`],
        );
        expect(Number(rows[0].n)).toBe(2);
        const written = await store.writeRelationships("globex", create("document:b#viewer@user:ann"));
        expect(written.revision).toBe(3);
        expect(await store.headRevision()).toBe(1);
        expect((await store.revisionsSince(1)).length).toBe(0);
        await holder.query("ROLLBACK");
        expect(await store.headRevision()).toBe(3);
        expect((await store.revisionsSince(1)).map((e) => [e.revision, e.skipped ?? false])).toEqual([
          [2, true],
          [3, false],
        ]);
      } finally {
        holder.release();
      }
      await store.close();
    });

    describe("writers on different tenants", () => {
      /** A write held inside its transaction at the `writeChecked` hook, once, for one tenant. */
      const holdOnce = (tenant: string) => {
        let reached = () => {};
        let release = () => {};
        const held = new Promise<void>((resolve) => {
          reached = resolve;
        });
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        let armed = true;
        const writeChecked = async (written: string) => {
          if (!armed || written !== tenant) return;
          armed = false;
          reached();
          await released;
        };
        return { writeChecked, held, release };
      };
      /** How many backends wait for the writer lock `name` (`postgres-dialect.ts`) of a store. */
      const waitingFor = async (store: Store, name: string) => {
        const { channel } = parseLocation(urls.get(store) ?? "");
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
             AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
          [`${channel} ${name}`],
        );
        return rows[0].n as number;
      };

      it("a write to one tenant held in its transaction does not keep another tenant's write from committing", async () => {
        const hold = holdOnce("acme");
        const store = await open({ hooks: { writeChecked: hold.writeChecked } });
        const follower = await PostgresStore.open(urls.get(store) ?? "");
        const slow = store.writeRelationships("acme", create("document:a#viewer@user:ann"), {
          preconditions: [
            {
              filter: { resourceType: "document", resourceId: "a" },
              mustMatch: false,
              field: "preconditions[0]",
            },
          ],
        });
        await hold.held;
        // acme's write has its tenant and its checks done, and no revision yet: globex commits.
        const quick = await store.writeRelationships("globex", create("document:b#viewer@user:bob"));
        expect(quick.revision).toBe(1);
        expect((await follower.revisionsSince(0)).map((e) => [e.revision, e.tenant])).toEqual([
          [1, "globex"],
        ]);
        hold.release();
        expect((await slow).revision).toBe(2);
        expect((await follower.revisionsSince(0)).map((e) => [e.revision, e.tenant])).toEqual([
          [1, "globex"],
          [2, "acme"],
        ]);
        await follower.close();
        await store.close();
      });

      it("writes to the same tenant, and store-wide writes, still wait for a tenant's write", async () => {
        const hold = holdOnce("acme");
        const store = await open({ hooks: { writeChecked: hold.writeChecked } });
        const first = store.writeRelationships("acme", create("document:a#viewer@user:ann"));
        await hold.held;
        // The second write's precondition is what the first one changes: it must look after
        // the first commits, or both would pass it.
        const second = store.writeRelationships("acme", create("document:b#viewer@user:ann"), {
          preconditions: [
            {
              filter: { resourceType: "document", resourceId: "a" },
              mustMatch: true,
              field: "preconditions[0]",
            },
          ],
        });
        const secondState = settled(second);
        for (let i = 0; i < 500 && (await waitingFor(store, "tenant acme")) === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        expect(await waitingFor(store, "tenant acme")).toBe(1);
        const schema = store.writeSchema("definition user {}");
        const schemaState = settled(schema);
        for (let i = 0; i < 500 && (await waitingFor(store, "writers")) === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        expect(await waitingFor(store, "writers")).toBe(1);
        expect(secondState.done).toBe(false);
        expect(schemaState.done).toBe(false);
        expect(await store.headRevision()).toBe(0);

        hold.release();
        expect((await first).revision).toBe(1);
        expect((await second).revision).toBe(2);
        expect((await schema).revision).toBe(3);
        expect((await store.revisionsSince(0)).map((e) => [e.revision, e.tenant])).toEqual([
          [1, "acme"],
          [2, "acme"],
          [3, ""],
        ]);
        await store.close();
      });
    });

    it("watch hears a write through another node by NOTIFY, long before its poll would", async () => {
      const store = await open({ watchPollMs: 60_000 });
      const other = await PostgresStore.open(urls.get(store) ?? "");
      const heads: Revision[] = [];
      const stop = store.watch((head) => heads.push(head));
      // LISTEN is set up in the background; the first poll after it catches anything earlier.
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The poll is a minute away: hearing the write within 30 s can only be the NOTIFY (no time
      // is asserted beyond that bound, which a loaded machine cannot reach by accident).
      await other.writeRelationships("acme", create("document:a#viewer@user:ann"));
      await eventually("the NOTIFY of revision 1", () => heads.includes(1), 30_000);
      stop();
      await other.close();
      await store.close();
    });

    it("watch keeps working when its LISTEN connection is killed: it reconnects and catches up", async () => {
      const store = await open({ watchPollMs: 60_000 });
      const { schema } = parseLocation(urls.get(store) ?? "");
      const other = await PostgresStore.open(urls.get(store) ?? "");
      const heads: Revision[] = [];
      const stop = store.watch((head) => heads.push(head));
      const listeners = async () =>
        (
          await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
            `gatehouse listen ${schema}`,
          ])
        ).rows.map((r) => r.pid as number);
      for (let i = 0; i < 100 && (await listeners()).length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [pid] = await listeners();
      expect(pid).toBeDefined();
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      // Written while nobody listens: only the catch-up after reconnecting can tell of it.
      await other.writeRelationships("acme", create("document:a#viewer@user:ann"));
      await eventually(
        "the listener to hear of revision 1 after reconnecting",
        () => heads.includes(1),
        5_000,
      );
      await other.writeRelationships("acme", create("document:b#viewer@user:ann"));
      await eventually("the listener to hear of revision 2", () => heads.includes(2), 3_000);
      expect((await listeners()).length).toBe(1);
      stop();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await listeners()).length).toBe(0);
      await other.close();
      await store.close();
    });

    it("refuses what PostgreSQL cannot hold as an input error, and writes nothing", async () => {
      const store = await open();
      const error = await rejection(store.writeSchema("definition user {}\u0000"));
      expect(error.kind).toBe("input");
      expect(await store.headRevision()).toBe(0);
      await store.close();
    });

    it("a server that cannot be reached is unavailable, named by host and port, never by password", async () => {
      const error = await rejection(
        PostgresStore.open("postgres://gate:hunter2@127.0.0.1:1/gatehouse?schema=x"),
      );
      expect(error.kind).toBe("unavailable");
      expect(error.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: /);
      expect(error.message).not.toMatch(/hunter2/);
      const wrongDatabase = new URL(DATABASE_URL);
      wrongDatabase.pathname = "/no_such_database_here";
      const missing = await rejection(PostgresStore.open(wrongDatabase.toString()));
      expect(missing.kind).toBe("unavailable");
      expect(missing.message).toMatch(/no_such_database_here/);
    });
  });

  describe("a feed without LISTEN/NOTIFY (?feed=poll)", () => {
    /** Notifications a plain LISTEN on the store's channel receives while `body` runs. */
    const notificationsDuring = async (url: string, body: () => Promise<unknown>) => {
      const listener = new pg.Client({ connectionString: DATABASE_URL });
      await listener.connect();
      const received: string[] = [];
      listener.on("notification", (message) => received.push(message.payload ?? ""));
      await listener.query(`LISTEN ${pg.escapeIdentifier(parseLocation(url).channel)}`);
      try {
        await body();
        // NOTIFY is delivered at commit; give it time to arrive.
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        await listener.end();
      }
      return received;
    };
    /** Sessions of this store's schema that listen (their last statement was a LISTEN). */
    const listeningSessions = async (url: string) => {
      const { rows } = await admin.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()",
        [`LISTEN ${pg.escapeIdentifier(parseLocation(url).channel)}`],
      );
      return rows[0].n as number;
    };

    it("writes send no NOTIFY, nothing listens, and another store learns of writes by polling", async () => {
      const url = `${newSchema().url}&feed=poll&poll_ms=50`;
      const writer = await open({}, url);
      const follower = await PostgresStore.open(url);
      try {
        const heads: number[] = [];
        const stop = follower.watch((head) => heads.push(head));
        const received = await notificationsDuring(url, () =>
          writer.writeRelationships("acme", create("document:a#viewer@user:ann")),
        );
        expect(received).toEqual([]);
        expect(await listeningSessions(url)).toBe(0);
        const head = await writer.headRevision();
        await eventually("the follower's watch to see the write", () => heads.includes(head));
        stop();
      } finally {
        await follower.close();
      }
    });

    it("by default writes send NOTIFY and a watching store listens (the case above is not vacuous)", async () => {
      const url = newSchema().url;
      const writer = await open({}, url);
      const follower = await PostgresStore.open(url, { watchPollMs: 60_000 });
      try {
        const heads: number[] = [];
        const stop = follower.watch((head) => heads.push(head));
        const received = await notificationsDuring(url, () =>
          writer.writeRelationships("acme", create("document:a#viewer@user:ann")),
        );
        expect(received).toEqual([String(await writer.headRevision())]);
        // With a minute's poll, only the notification can have told the follower this soon.
        const head = await writer.headRevision();
        await eventually("the follower's watch to hear of the write", () => heads.includes(head));
        expect(await listeningSessions(url)).toBeGreaterThan(0);
        stop();
      } finally {
        await follower.close();
      }
    });

    it("refuses a feed or poll interval it does not know, naming it", () => {
      const base = newSchema().url;
      expect(() => parseLocation(`${base}&feed=notify`)).toThrow(
        "invalid feed `notify` in the store URL: expected `listen` or `poll`",
      );
      for (const bad of ["0", "1.5", "fast", "600000"])
        expect(() => parseLocation(`${base}&poll_ms=${bad}`)).toThrow(
          `invalid poll_ms \`${bad}\` in the store URL: expected whole milliseconds from 10 to 60000`,
        );
      expect(parseLocation(`${base}&feed=poll&poll_ms=250`)).toMatchObject({ feed: "poll", pollMs: 250 });
      expect(parseLocation(`${base}&feed=poll`).connectionString).not.toMatch(/feed|poll_ms/);
    });
  });
}
