import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Relationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { parseLocation } from "../../src/store/postgres/location.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import type { StoreTestHooks } from "../../src/store/sql-store.js";
import { docView } from "../support/doc-view.js";
import { POSTGRES_BASE, postgresUrlForTest } from "../support/postgres.js";
import { settled } from "../support/settled.js";

/**
 * Writes to different tenants do not take turns on one row (issue 18): on PostgreSQL a tenant's
 * write's revision number is not held to its commit by a row (`src/store/sql/postgres-dialect.ts`).
 * Tenant A's write is held inside its transaction right after it took its number while tenant
 * B's write commits a higher revision; a follower (another store and Gatehouse on the same
 * database) must not pass A's revision until A commits (then it sees both, in order) or rolls
 * back (then it passes the gap). Writes to one tenant still take turns.
 */
const SCHEMA = "definition user {}\ndefinition doc {\n  relation viewer: user\n  permission view = viewer\n}";

const viewer = (doc: string, user: string): Relationship => ({
  resource: { type: "doc", id: doc },
  relation: "viewer",
  subject: { type: "user", id: user },
});
const create = (doc: string) => [{ operation: "create" as const, relationship: viewer(doc, "ann") }];

/**
 * A write of `tenant` held once, inside its transaction, right after it took its revision (or,
 * with `audited`, right after its audit record): the next one after `arm`.
 */
function holdAfterNumber(tenant: string, point: "revisionTaken" | "audited" = "revisionTaken") {
  let reached: (revision: number) => void = () => {};
  let release: (fail: boolean) => void = () => {};
  const held = new Promise<number>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  let armed = false;
  const hooks: StoreTestHooks = {
    [point]: async (written: string, revision: number) => {
      if (!armed || written !== tenant) return;
      armed = false;
      reached(revision);
      if (await released) throw new Error("the held write fails here, after its number");
    },
  };
  return {
    hooks,
    held,
    arm: () => {
      armed = true;
    },
    commit: () => release(false),
    fail: () => release(true),
  };
}

const target = await postgresUrlForTest("tenant_writes");
await target.drop?.();

if (target.skip) {
  describe.skip(`writes to different tenants on PostgreSQL (skipped: ${target.reason})`, () => {
    it("do not take turns", () => {});
  });
} else {
  describe("writes to different tenants on PostgreSQL do not take turns on one row", () => {
    const drops: (() => Promise<void>)[] = [];
    const open: { close(): Promise<void> }[] = [];
    const admin = new pg.Pool({ connectionString: POSTGRES_BASE, max: 1 });
    afterEach(async () => {
      for (const o of open.splice(0).reverse()) await o.close();
    });
    afterAll(async () => {
      for (const drop of drops) await drop();
      await admin.end();
    });

    /**
     * A writer (a Gatehouse whose store holds tenant `acme`'s next write after its number) and a
     * follower on the same database, each with its own store; the schema and one relationship
     * in each tenant are written first.
     */
    const twoNodes = async () => {
      const where = await postgresUrlForTest("tenant_writes");
      if (where.drop) drops.push(where.drop);
      const url = where.url ?? "";
      const hold = holdAfterNumber("acme");
      const writerStore = await PostgresStore.open(url, { hooks: hold.hooks, watchPollMs: 50 });
      const writer = await Gatehouse.withStore(writerStore);
      open.push(writer);
      await writer.writeSchema(SCHEMA);
      await writer.writeRelationships("acme", create("a0"));
      await writer.writeRelationships("globex", create("g0"));
      const followerStore = await PostgresStore.open(url, { watchPollMs: 50 });
      const follower = await Gatehouse.withStore(followerStore);
      open.push(follower);
      const view = docView(follower);
      expect((await view("acme", "a0")).allowed).toBe(true);
      expect((await view("globex", "g0")).allowed).toBe(true);
      hold.arm();
      return { url, hold, writer, writerStore, follower, followerStore, view };
    };

    it("B commits a higher revision while A holds its number; followers pass A only when it commits, then see both in order", async () => {
      const { hold, writer, writerStore, follower, followerStore, view } = await twoNodes();
      const base = follower.revision; // 3: the schema and two writes
      const slow = writer.writeRelationships("acme", create("a1"));
      const a = await hold.held;
      expect(a).toBe(base + 1);
      // B's write commits with the next number while A is inside its transaction, numbered.
      const b = await writerStore.writeRelationships("globex", create("g1"));
      expect(b.revision).toBe(a + 1);
      expect(await followerStore.getRevision(b.revision)).toBeDefined();
      // Nobody reads past A: the head, the feed, and a follower asked for at least B's revision.
      expect(await followerStore.headRevision()).toBe(base);
      expect(await writerStore.headRevision()).toBe(base);
      expect(await followerStore.revisionsSince(base)).toEqual([]);
      await follower.catchUp();
      expect(follower.revision).toBe(base);
      const waiting = view("globex", "g1", b.revision);
      const waitingState = settled(waiting);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(waitingState.done).toBe(false);
      expect(follower.revision).toBe(base);

      hold.commit();
      expect((await slow).revision).toBe(a);
      const answer = await waiting;
      expect(answer.allowed).toBe(true);
      expect(answer.revision).toBeGreaterThanOrEqual(b.revision);
      expect((await followerStore.revisionsSince(base)).map((e) => [e.revision, e.tenant])).toEqual([
        [a, "acme"],
        [b.revision, "globex"],
      ]);
      expect((await view("acme", "a1", a)).allowed).toBe(true);
      expect(follower.revision).toBe(b.revision);
    });

    it("A rolls back after its number: followers pass the gap, and the feed says it was skipped", async () => {
      const { hold, writer, writerStore, follower, followerStore, view } = await twoNodes();
      const base = follower.revision;
      const slow = writer.writeRelationships("acme", create("a1"));
      const failed = slow.then(
        () => undefined,
        (error: unknown) => error,
      );
      const a = await hold.held;
      const b = await writerStore.writeRelationships("globex", create("g1"));
      expect(b.revision).toBe(a + 1);
      expect(await followerStore.headRevision()).toBe(base);

      hold.fail();
      expect(String(await failed)).toContain("the held write fails here");
      // A later number was taken: A's cannot be given back, and is a gap.
      const events = await followerStore.revisionsSince(base);
      expect(events.map((e) => [e.revision, e.skipped ?? false, e.tenant])).toEqual([
        [a, true, ""],
        [b.revision, false, "globex"],
      ]);
      expect((await view("globex", "g1", b.revision)).allowed).toBe(true);
      expect(follower.revision).toBe(b.revision);
      expect((await view("acme", "a1")).allowed).toBe(false);
      expect(await followerStore.getRevision(a)).toBeUndefined();
    });

    it("a write refused after its number gives it back when no later one was taken", async () => {
      const { hold, writerStore, followerStore } = await twoNodes();
      hold.commit(); // nothing is held in this test
      const head = await followerStore.headRevision();
      // Creating a live relationship is found while writing the rows, after the number.
      await expect(writerStore.writeRelationships("acme", create("a0"))).rejects.toThrow(/already exists/);
      const next = await writerStore.writeRelationships("acme", create("a2"));
      expect(next.revision).toBe(head + 1);
      expect((await followerStore.revisionsSince(head)).map((e) => e.skipped ?? false)).toEqual([false]);
    });

    it("a writer whose session dies after its number leaves a gap that followers pass", async () => {
      const { hold, writer, writerStore, follower, followerStore, url } = await twoNodes();
      const base = follower.revision;
      const slow = writer.writeRelationships("acme", create("a1")).catch((error: unknown) => error);
      const a = await hold.held;
      const b = await writerStore.writeRelationships("globex", create("g1"));
      expect(await followerStore.headRevision()).toBe(base);
      // The writer's backend is ended from outside, as a node that dies mid-write.
      const { channel } = parseLocation(url);
      const { rows } = await admin.query(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted
           AND classid::bigint = (hashtext($1)::bigint & 4294967295) AND objid::bigint = $2`,
        [`${channel} revision numbers`, a],
      );
      expect(rows.length).toBe(1);
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
      hold.commit();
      expect(await slow).toBeInstanceOf(Error);
      await follower.catchUp();
      for (let i = 0; i < 500 && follower.revision < b.revision; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await follower.catchUp();
      }
      expect(follower.revision).toBe(b.revision);
      expect((await followerStore.revisionsSince(base)).map((e) => e.skipped ?? false)).toEqual([
        true,
        false,
      ]);
    });

    it("audited writes to different tenants do not take turns on one audit head; audited acts on one tenant do", async () => {
      const where = await postgresUrlForTest("tenant_writes");
      if (where.drop) drops.push(where.drop);
      const hold = holdAfterNumber("acme", "audited");
      const store = await PostgresStore.open(where.url ?? "", { hooks: hold.hooks, watchPollMs: 50 });
      open.push(store);
      const audited = { actor: "ann", audit: { action: "relationships.write" } };
      const record = (tenant: string | null) => ({
        actor: "ann",
        action: "auth.forbidden",
        tenant,
        target: "route:/v1/x",
        reason: null,
        details: null,
      });
      await store.writeRelationships("acme", create("a0"), audited);
      await store.writeRelationships("globex", create("g0"), audited);
      hold.arm();
      // A: acme's audited write, held inside its transaction after its audit record.
      const slow = store.writeRelationships("acme", create("a1"), audited);
      await hold.held;
      // B: globex's audited write commits meanwhile, and so does a store-wide audited act.
      const b = await store.writeRelationships("globex", create("g1"), audited);
      await store.appendAudit(record(null));
      expect((await store.listAudit({ tenant: "globex" })).map((r) => r.revision)).toContain(b.revision);
      // An audited act on acme waits for A's head of acme's chain (no tenant lock is involved).
      const same = store.appendAudit(record("acme"));
      const sameState = settled(same);
      const waitingOnHead = async () =>
        (
          await admin.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%FROM audit_chains WHERE chain%'
               AND cardinality(pg_blocking_pids(pid)) > 0`,
          )
        ).rows[0].n as number;
      for (let i = 0; i < 500 && (await waitingOnHead()) === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await waitingOnHead()).toBeGreaterThanOrEqual(1);
      expect(sameState.done).toBe(false);
      hold.commit();
      await slow;
      // acme's chain: a0, a1, then the act that waited.
      expect((await same).chainSeq).toBe(3);
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 6 });
    });

    it("writes to the same tenant still take turns, also after the first took its number", async () => {
      const { hold, writer, writerStore, url } = await twoNodes();
      const slow = writer.writeRelationships("acme", create("a1"));
      const a = await hold.held;
      const second = writerStore.writeRelationships("acme", create("a2"));
      const secondState = settled(second);
      const { channel } = parseLocation(url);
      const waiting = async () =>
        (
          await admin.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
               AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
            [`${channel} tenant acme`],
          )
        ).rows[0].n as number;
      for (let i = 0; i < 500 && (await waiting()) === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await waiting()).toBe(1);
      expect(secondState.done).toBe(false);
      hold.commit();
      expect((await slow).revision).toBe(a);
      expect((await second).revision).toBe(a + 1);
    });
  });
}
