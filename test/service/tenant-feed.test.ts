import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Relationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { openStore } from "../../src/store/open-store.js";
import type { FeedOptions, Store } from "../../src/store/store.js";
import { workspace } from "../support/cli.js";
import { docView } from "../support/doc-view.js";
import { postgresUrlForTest } from "../support/postgres.js";

const SCHEMA = "definition user {}\ndefinition doc {\n  relation viewer: user\n  permission view = viewer\n}";

const viewer = (doc: string, user: string): Relationship => ({
  resource: { type: "doc", id: doc },
  relation: "viewer",
  subject: { type: "user", id: user },
});
const creates = (tenant: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    operation: "create" as const,
    relationship: viewer(`${tenant}-${i}`, "ann"),
  }));

/** What a node's catch-up read from the feed: every call's tenants, and the rows per tenant. */
interface FeedReads {
  readonly asked: (readonly string[] | undefined)[];
  readonly rows: Map<string, number>;
}

/** Where a test holds the node's store calls, to put them in the order a race would. */
interface Holds {
  /** Awaited before a tenant's scan starts. */
  scan?: ((tenant: string) => Promise<void>) | undefined;
  /** Awaited after the feed was read, before the node gets the events. */
  feed?: ((tenants: readonly string[] | undefined) => Promise<void>) | undefined;
}

/** The store as the node sees it, with its feed reads counted (calls go to the store itself). */
function spied(store: Store): { store: Store; reads: FeedReads; holds: Holds } {
  const reads: FeedReads = { asked: [], rows: new Map() };
  const holds: Holds = {};
  const proxy = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "scanTenant")
        return async function* (tenant: string, at: number) {
          await holds.scan?.(tenant);
          yield* target.scanTenant(tenant, at);
        };
      if (property !== "revisionsSince") return value.bind(target);
      return async (after: number, limit?: number, options?: FeedOptions) => {
        reads.asked.push(options?.tenants);
        const events = await target.revisionsSince(after, limit, options);
        for (const e of events)
          reads.rows.set(e.tenant, (reads.rows.get(e.tenant) ?? 0) + e.created.length + e.deleted.length);
        await holds.feed?.(options?.tenants);
        return events;
      };
    },
  });
  return { store: proxy, reads, holds };
}

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * A node that holds one tenant follows the store's feed for that tenant only: the writes another
 * node makes to other tenants move its revision on, but none of their relationship rows is read.
 */
function describeTenantFeed(name: string, location: () => Promise<string>): void {
  describe(`the change feed a node follows is filtered by tenant (${name})`, () => {
    const open: { close(): Promise<void> }[] = [];
    afterEach(async () => {
      for (const o of open.splice(0).reverse()) await o.close();
    });

    /**
     * A writer node with the schema and one relationship in each of `tenants`, and a node on the
     * same store through a spy; `view` asks the node whether ann may view a document.
     */
    const twoNodes = async (...tenants: string[]) => {
      const where = await location();
      const writer = await Gatehouse.open(where);
      open.push(writer);
      await writer.writeSchema(SCHEMA);
      for (const tenant of tenants) await writer.writeRelationships(tenant, creates(tenant, 1));
      const { store, reads, holds } = spied(await openStore(where));
      const node = await Gatehouse.withStore(store);
      open.push(node);
      const view = docView(node);
      return { writer, node, reads, holds, view };
    };

    it("catch-up reads the loaded tenant's rows and only markers of the others", async () => {
      const { writer, node, reads, view } = await twoNodes("acme");
      expect((await view("acme", "acme-0")).allowed).toBe(true);

      await writer.writeRelationships("globex", creates("globex", 50));
      await writer.writeRelationships("initech", creates("initech", 30));
      const last = await writer.writeRelationships("acme", [
        { operation: "create", relationship: viewer("acme-new", "ann") },
      ]);
      reads.asked.length = 0;
      reads.rows.clear();
      expect((await view("acme", "acme-new", last.revision)).allowed).toBe(true);
      expect(node.revision).toBe(last.revision);

      expect(reads.asked.length).toBeGreaterThan(0);
      expect(reads.asked.every((tenants) => tenants !== undefined && tenants.join() === "acme")).toBe(true);
      expect(reads.rows.get("acme")).toBe(1);
      expect(reads.rows.get("globex")).toBe(0);
      expect(reads.rows.get("initech")).toBe(0);

      // A tenant loaded later is built from the store and then follows its own events.
      expect((await view("globex", "globex-49")).allowed).toBe(true);
      const more = await writer.writeRelationships("globex", [
        { operation: "delete", relationship: viewer("globex-49", "ann") },
      ]);
      expect((await view("globex", "globex-49", more.revision)).allowed).toBe(false);
    });

    it("a tenant loaded while a catch-up pass holds its markers gets its events all the same", async () => {
      const { writer, node, holds, view } = await twoNodes("acme", "globex");
      expect((await view("acme", "acme-0")).allowed).toBe(true);

      // globex is being loaded (its scan is held, at the revision before the write below) ...
      const scanStarted = gate();
      const scanGo = gate();
      holds.scan = async (tenant) => {
        if (tenant !== "globex") return;
        scanStarted.open();
        await scanGo.opened;
      };
      const loading = view("globex", "globex-0");
      await scanStarted.opened;
      const written = await writer.writeRelationships("globex", [
        { operation: "create", relationship: viewer("globex-new", "ann") },
      ]);
      // ... when a catch-up pass reads the feed for acme only: globex's write is a marker.
      const fed = gate();
      const feedGo = gate();
      holds.feed = async (tenants) => {
        if (tenants?.includes("globex")) return;
        holds.feed = undefined;
        fed.open();
        await feedGo.opened;
      };
      const pass = node.catchUp();
      await fed.opened;
      // The load finishes (nothing to replay: the pass has not moved the applied revision) and
      // globex is registered before the pass applies its marker.
      scanGo.open();
      expect((await loading).allowed).toBe(true);
      feedGo.open();
      await pass;
      expect(node.revision).toBe(written.revision);
      expect((await view("globex", "globex-new", written.revision)).allowed).toBe(true);
    });
  });
}

describeTenantFeed("SQLite", async () => workspace().store);

const postgres = await postgresUrlForTest("tenant_feed");
await postgres.drop?.();
if (postgres.skip) {
  describe.skip(`the change feed on PostgreSQL (skipped: ${postgres.reason})`, () => {
    it("filters by tenant", () => {});
  });
} else {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  // A schema of its own for each test.
  describeTenantFeed("PostgreSQL", async () => {
    const target = await postgresUrlForTest("tenant_feed");
    if (target.drop) drops.push(target.drop);
    return target.url ?? "";
  });
}
