import fc from "fast-check";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { formatRelationship, parseRelationship, type Relationship } from "../../src/model/relationship.js";
import { compareTuples, tupleOf } from "../../src/store/common/tuples.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { RelationshipUpdate, Store, UpdateOperation } from "../../src/store/store.js";
import { POSTGRES_BASE, postgresUrlForTest } from "../support/postgres.js";

/**
 * Caveats and expirations in the store, the same cases on SQLite and PostgreSQL: what a write
 * stores comes back from every read (read, scan, revision events, history), a touch replaces
 * what a relationship carries, expired relationships are invisible as of the store clock and are
 * collected once their expiration is older than the cutoff.
 */

type Open = (now: () => Date) => Promise<Store>;

const A = "acme";
const ops = (operation: UpdateOperation, ...texts: string[]): RelationshipUpdate[] =>
  texts.map((text) => ({ operation, relationship: parseRelationship(text) }));
const names = (list: readonly Relationship[]) => list.map(formatRelationship);
/** Store order: by the tuple, which is the text before any `[`. */
const byTuple = (a: string, b: string) =>
  compareTuples(tupleOf(parseRelationship(a)), tupleOf(parseRelationship(b)));

async function scanned(store: Store, revision: number): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of store.scanTenant(A, revision)) out.push(...names(batch));
  return out;
}

function describeTraits(name: string, open: Open | undefined, skipReason?: string): void {
  describe.skipIf(open === undefined)(
    `relationship caveats and expiration: ${name}${skipReason ?? ""}`,
    () => {
      let clock = new Date("2030-01-01T00:00:00Z");
      const stores: Store[] = [];
      const fresh = async () => {
        clock = new Date("2030-01-01T00:00:00Z");
        const store = await open!(() => clock);
        stores.push(store);
        return store;
      };
      afterEach(async () => {
        for (const s of stores.splice(0)) await s.close();
      });

      it("stores a caveat with context and an expiration, and every read gives them back", async () => {
        const store = await fresh();
        const texts = [
          'document:a#viewer@user:ann[on_level:{"level":3,"tags":["x"]}]',
          "document:a#viewer@user:bob[expiration:2031-01-01T00:00:00.5Z]",
          "document:a#viewer@user:cat[on_level][expiration:2031-06-01T12:00:00Z]",
          "document:a#viewer@user:dan",
        ];
        const written = await store.writeRelationships(A, ops("create", ...texts));
        expect(names(written.created)).toEqual(texts);
        expect(names(await store.readRelationships(A))).toEqual(texts);
        expect(await scanned(store, written.revision)).toEqual(texts);
        const [event] = await store.revisionsSince(0);
        expect(names(event!.created)).toEqual(texts);
        const history = await store.relationshipHistory(A, [parseRelationship("document:a#viewer@user:cat")]);
        expect(names(history)).toEqual([texts[2]]);
        // Plain rows come back without the properties, as they always did.
        const plain = (await store.readRelationships(A, { subjectId: "dan" }))[0]!;
        expect("caveat" in plain || "expiresAt" in plain).toBe(false);
      });

      it("reads the relationships that expire in a window, live ones only, in tuple order", async () => {
        const store = await fresh();
        await store.writeRelationships(
          A,
          ops(
            "create",
            "document:a#viewer@user:ann[expiration:2030-01-03T00:00:00Z]",
            "document:a#viewer@user:bob[on_level][expiration:2030-01-05T00:00:00.25Z]",
            "document:a#viewer@user:cat[expiration:2030-02-01T00:00:00Z]",
            "document:a#viewer@user:dan",
            "document:a#viewer@user:eve[expiration:2030-01-02T00:00:00Z]",
          ),
        );
        await store.writeRelationships(
          "other",
          ops("create", "document:a#viewer@user:ann[expiration:2030-01-03T00:00:00Z]"),
        );
        await store.writeRelationships(A, ops("delete", "document:a#viewer@user:eve"));
        const window = await store.expiringRelationships(
          A,
          "2030-01-01T00:00:00.000Z",
          "2030-01-08T00:00:00.000Z",
        );
        expect(names(window)).toEqual([
          "document:a#viewer@user:ann[expiration:2030-01-03T00:00:00Z]",
          "document:a#viewer@user:bob[on_level][expiration:2030-01-05T00:00:00.25Z]",
        ]);
        // The window excludes its start and includes its end.
        expect(
          names(await store.expiringRelationships(A, "2030-01-03T00:00:00.000Z", "2030-01-05T00:00:00.250Z")),
        ).toEqual(["document:a#viewer@user:bob[on_level][expiration:2030-01-05T00:00:00.25Z]"]);
      });

      it("keeps the expiration canonical whatever RFC 3339 spelling was written", async () => {
        const store = await fresh();
        await store.writeRelationships(A, [
          {
            operation: "create",
            relationship: {
              ...parseRelationship("document:a#viewer@user:ann"),
              expiresAt: "2031-01-01T01:00:00.000+01:00",
            },
          },
        ]);
        expect((await store.readRelationships(A))[0]?.expiresAt).toBe("2031-01-01T00:00:00Z");
        const bad = await store
          .writeRelationships(A, [
            {
              operation: "create",
              relationship: { ...parseRelationship("document:b#viewer@user:ann"), expiresAt: "soon" },
            },
          ])
          .catch((e: unknown) => e);
        expect(bad).toBeInstanceOf(GatehouseError);
        expect((bad as GatehouseError).message).toMatch(/invalid expiration `soon`/);
      });

      it("a touch replaces what a relationship carries (one identity), and a same touch writes nothing", async () => {
        const store = await fresh();
        await store.writeRelationships(A, ops("create", "document:a#viewer@user:ann[on_level]"));
        const same = await store.writeRelationships(A, ops("touch", "document:a#viewer@user:ann[on_level]"));
        expect(same.created).toEqual([]);
        expect(same.deleted).toEqual([]);
        const changed = await store.writeRelationships(
          A,
          ops("touch", 'document:a#viewer@user:ann[on_level:{"level":1}][expiration:2031-01-01T00:00:00Z]'),
        );
        expect(names(changed.deleted)).toEqual(["document:a#viewer@user:ann[on_level]"]);
        expect(names(changed.created)).toEqual([
          'document:a#viewer@user:ann[on_level:{"level":1}][expiration:2031-01-01T00:00:00Z]',
        ]);
        const events = await store.revisionsSince(same.revision);
        expect(names(events[0]!.deleted)).toEqual(names(changed.deleted));
        expect(names(events[0]!.created)).toEqual(names(changed.created));
        const toPlain = await store.writeRelationships(A, ops("touch", "document:a#viewer@user:ann"));
        expect(names(toPlain.created)).toEqual(["document:a#viewer@user:ann"]);
        expect(names(await store.readRelationships(A))).toEqual(["document:a#viewer@user:ann"]);
        // The old versions stay readable at their revisions.
        expect(names(await store.readRelationships(A, {}, { atRevision: changed.revision }))).toEqual(
          names(changed.created),
        );
        const conflict = await store
          .writeRelationships(A, ops("create", "document:a#viewer@user:ann[on_level]"))
          .catch((e: unknown) => e);
        expect((conflict as GatehouseError).kind).toBe("conflict");
        const deleted = await store.writeRelationships(A, ops("delete", "document:a#viewer@user:ann"));
        expect(names(deleted.deleted)).toEqual(["document:a#viewer@user:ann"]);
      });

      it("hides expired relationships from reads as of the store clock, and a create takes their place", async () => {
        const store = await fresh();
        const first = await store.writeRelationships(
          A,
          ops(
            "create",
            "document:a#viewer@user:ann[expiration:2030-01-02T00:00:00Z]",
            "document:a#viewer@user:bob[expiration:2030-03-01T00:00:00Z]",
            "document:a#viewer@user:cat",
          ),
        );
        clock = new Date("2030-01-02T00:00:00Z"); // ann's expiration: expired at that very instant
        const visible = [
          "document:a#viewer@user:bob[expiration:2030-03-01T00:00:00Z]",
          "document:a#viewer@user:cat",
        ];
        expect(names(await store.readRelationships(A))).toEqual(visible);
        expect(names(await store.readRelationships(A, {}, { atRevision: first.revision }))).toEqual(visible);
        expect(await scanned(store, first.revision)).toEqual(visible);
        const again = await store.writeRelationships(
          A,
          ops("create", "document:a#viewer@user:ann[on_level]"),
        );
        expect(names(again.deleted)).toEqual(["document:a#viewer@user:ann[expiration:2030-01-02T00:00:00Z]"]);
        expect(names(again.created)).toEqual(["document:a#viewer@user:ann[on_level]"]);
        expect(names(await store.readRelationships(A, { subjectId: "ann" }))).toEqual([
          "document:a#viewer@user:ann[on_level]",
        ]);
      });

      it("collects rows expired before the cutoff, live or deleted, and audits the count", async () => {
        const store = await fresh();
        await store.writeRelationships(
          A,
          ops(
            "create",
            "document:a#viewer@user:ann[expiration:2030-01-02T00:00:00Z]",
            "document:a#viewer@user:bob[expiration:2030-02-01T00:00:00Z]",
            "document:a#viewer@user:cat",
          ),
        );
        await store.writeRelationships(
          A,
          ops("touch", "document:a#viewer@user:cat[expiration:2030-01-03T00:00:00Z]"),
        );
        clock = new Date("2030-03-01T00:00:00Z");
        const audit = {
          actor: "ops",
          action: "relationships.collect-expired",
          tenant: null,
          target: "relationships",
          reason: null,
          details: { retentionDays: 30 },
        };
        const removed = await store.collectExpiredRelationships("2030-01-10T00:00:00Z", audit);
        expect(removed).toBe(2); // ann, and cat's expiring version; bob expired after the cutoff
        const history = await store.relationshipHistory(A, [
          parseRelationship("document:a#viewer@user:ann"),
          parseRelationship("document:a#viewer@user:bob"),
          parseRelationship("document:a#viewer@user:cat"),
        ]);
        expect(names(history)).toEqual([
          "document:a#viewer@user:bob[expiration:2030-02-01T00:00:00Z]",
          "document:a#viewer@user:cat",
        ]);
        expect(await store.collectExpiredRelationships("2030-01-10T00:00:00Z", audit)).toBe(0);
        const records = await store.listAudit({ action: "relationships.collect-expired" });
        expect(records.map((r) => r.details)).toEqual([
          { retentionDays: 30, expiredBy: "2030-01-10T00:00:00Z", removed: 2 },
        ]);
      });

      it("a purge takes an expired relationship that was never deleted with the rest; an unexpired one still blocks it", async () => {
        const store = await fresh();
        const audit = (action: string, target = "change:1") => ({
          actor: "ann",
          action,
          tenant: A,
          target,
          reason: null,
          details: null,
        });
        await store.writeRelationships(
          A,
          ops("create", "document:a#owner@account:a1[expiration:2030-01-02T00:00:00Z]"),
        );
        const { id } = await store.createChange(
          {
            tenant: A,
            intent: "purge",
            reason: "gone",
            author: "ann",
            spec: { writes: [], deletes: [], deleteWhere: [], schema: null },
          },
          audit("change.propose"),
        );
        await store.updateChange(id, { state: "planned", plan: {}, baseRevision: 1 }, audit("change.plan"));
        const tuples = [parseRelationship("document:a#owner@account:a1")];
        const early = await store
          .purgeRelationships(
            { changeId: id, tenant: A, relationships: tuples, plan: {} },
            audit("change.apply"),
          )
          .catch((e: unknown) => e);
        expect((early as GatehouseError).message).toMatch(/is live again/);
        clock = new Date("2030-01-03T00:00:00Z");
        const purged = await store.purgeRelationships(
          { changeId: id, tenant: A, relationships: tuples, plan: {} },
          audit("change.apply"),
        );
        expect(purged.removed).toBe(1);
      });

      it("refuses a caveat name or context the columns cannot hold, naming the update", async () => {
        const store = await fresh();
        const bad = await store
          .writeRelationships(A, [
            { operation: "create", relationship: parseRelationship("document:a#viewer@user:ann") },
            {
              operation: "create",
              relationship: {
                ...parseRelationship("document:a#viewer@user:bob"),
                caveat: { name: "Bad Name" },
              },
            },
          ])
          .catch((e: unknown) => e);
        expect(bad).toBeInstanceOf(GatehouseError);
        expect((bad as GatehouseError).message).toMatch(/invalid caveat name `Bad Name`/);
        expect((bad as GatehouseError).place?.field ?? (bad as GatehouseError).details[0]?.place?.field).toBe(
          "updates[1]",
        );
        expect(await store.headRevision()).toBe(0);
      });

      it("random creates, touches and deletes with caveats, expirations and a moving clock match a model", async () => {
        const tuples = [
          "document:a#viewer@user:ann",
          "document:a#viewer@user:bob",
          "document:b#viewer@group:g#member",
        ];
        const traits = [
          "",
          "[c_one]",
          '[c_one:{"k":1}]',
          "[c_two]",
          "[expiration:2030-01-01T00:00:10Z]",
          "[expiration:2030-01-01T00:00:30Z]",
          '[c_one:{"k":2}][expiration:2030-01-01T00:00:20Z]',
        ];
        const update = fc.record({
          operation: fc.constantFrom<UpdateOperation>("create", "touch", "delete"),
          tuple: fc.nat(tuples.length - 1),
          traits: fc.nat(traits.length - 1),
        });
        const step = fc.record({
          advance: fc.nat(12),
          updates: fc.uniqueArray(update, { minLength: 1, maxLength: 3, selector: (u) => u.tuple }),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
            const store = await fresh();
            const live = new Map<string, Relationship>();
            const expired = (r: Relationship) =>
              r.expiresAt !== undefined && Date.parse(r.expiresAt) <= clock.getTime();
            for (const { advance, updates } of steps) {
              clock = new Date(clock.getTime() + advance * 1000);
              const planned = updates.map((u) => ({
                operation: u.operation,
                relationship: parseRelationship(tuples[u.tuple]! + traits[u.traits]!),
              }));
              const next = new Map(live);
              let conflict = false;
              updates.forEach((u, i) => {
                const key = tuples[u.tuple]!;
                const there = next.get(key);
                if (u.operation === "delete") {
                  if (there === undefined) conflict = true;
                  else next.delete(key);
                } else if (u.operation === "create" && there !== undefined && !expired(there))
                  conflict = true;
                else next.set(key, planned[i]!.relationship);
              });
              const outcome = await store.writeRelationships(A, planned).then(
                () => "written",
                (e: unknown) => ((e as GatehouseError).kind === "conflict" ? "conflict" : String(e)),
              );
              expect(outcome).toBe(conflict ? "conflict" : "written");
              if (!conflict) {
                live.clear();
                for (const [k, v] of next) live.set(k, v);
              }
              const visible = [...live.values()]
                .filter((r) => !expired(r))
                .map(formatRelationship)
                .sort(byTuple);
              expect(names(await store.readRelationships(A))).toEqual(visible);
            }
            await store.close();
            stores.splice(stores.indexOf(store), 1);
          }),
          { numRuns: 25 },
        );
      });

      it("writes many caveated and plain relationships set at a time and reads them in order", async () => {
        const store = await fresh();
        const texts = Array.from({ length: 300 }, (_, i) =>
          i % 3 === 0
            ? `document:d${String(i).padStart(3, "0")}#viewer@user:u[on_level:{"level":${i}}]`
            : i % 3 === 1
              ? `document:d${String(i).padStart(3, "0")}#viewer@user:u[expiration:2031-01-01T00:00:0${i % 10}Z]`
              : `document:d${String(i).padStart(3, "0")}#viewer@user:u`,
        );
        const written = await store.writeRelationships(A, ops("touch", ...texts));
        expect(written.created.length).toBe(300);
        expect(names(await store.readRelationships(A))).toEqual(texts);
        const retouched = await store.writeRelationships(
          A,
          ops("touch", ...texts.map((t, i) => (i % 3 === 0 ? t.replace(/\[.*$/, "") : t))),
        );
        expect(retouched.created.length).toBe(100);
        expect(retouched.deleted.length).toBe(100);
      });
    },
  );
}

describeTraits("sqlite :memory:", async (now) => SqliteStore.open(":memory:", { now }));

const postgres = await postgresUrlForTest("traits");
const made: string[] = [];
afterAll(async () => {
  if (made.length > 0) {
    const client = new pg.Client({ connectionString: POSTGRES_BASE });
    await client.connect();
    for (const schema of made) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  await postgres.drop?.();
});
let schemas = 0;
describeTraits(
  "postgres",
  postgres.skip
    ? undefined
    : async (now) => {
        const url = new URL(postgres.url!);
        const schema = `${url.searchParams.get("schema")}_${++schemas}`;
        made.push(schema);
        url.searchParams.set("schema", schema);
        return PostgresStore.open(url.toString(), { now });
      },
  postgres.skip ? ` (skipped: ${postgres.reason})` : undefined,
);
