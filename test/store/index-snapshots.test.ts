import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRelationship } from "../../src/model/relationship.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { snapshotFilesDir } from "../../src/store/sqlite/snapshot-files.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { postgresUrlForTest } from "../support/postgres.js";

/**
 * The index snapshot table on both backends: the newest snapshot a tenant is kept, read back
 * byte for byte (across chunks), never older than asked for, and gone with a purge.
 */
const dir = mkdtempSync(join(tmpdir(), "gatehouse-snapshots-"));
const postgres = await postgresUrlForTest("snapshots");
const schemas = [postgres];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const target of schemas) await target.drop?.();
});

let files = 0;
const backends: [string, (() => Promise<Store>) | undefined][] = [
  ["sqlite file", async () => SqliteStore.open(join(dir, `store-${++files}.db`))],
  [
    "postgres",
    postgres.url === undefined
      ? undefined
      : async () => {
          // A schema of its own for each test, dropped at the end.
          const target = await postgresUrlForTest(`snapshots${schemas.length}`);
          schemas.push(target);
          return PostgresStore.open(target.url!);
        },
  ],
];

const create = (...texts: string[]) =>
  texts.map((text) => ({ operation: "create" as const, relationship: parseRelationship(text) }));
const remove = (...texts: string[]) =>
  texts.map((text) => ({ operation: "delete" as const, relationship: parseRelationship(text) }));

/** Bytes that span several chunks, each position distinct enough to catch a misplaced chunk. */
function bytesOf(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed + (i >> 20)) & 0xff;
  return bytes;
}

for (const [name, open] of backends) {
  describe.skipIf(open === undefined)(`index snapshots: ${name}`, () => {
    it("keeps the newest snapshot of a tenant and reads it back whole", async () => {
      const store = await open!();
      try {
        await store.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
        await store.writeRelationships("acme", create("document:b#viewer@user:ann")); // 2
        expect(await store.readIndexSnapshot("acme", 2)).toBeUndefined();
        const first = bytesOf(2_500_000, 1);
        expect(await store.writeIndexSnapshot("acme", 1, 1, first)).toBe(true);
        const read = await store.readIndexSnapshot("acme", 2);
        expect(read?.revision).toBe(1);
        expect(read?.format).toBe(1);
        expect(Buffer.from(read!.bytes).equals(Buffer.from(first))).toBe(true);

        const second = bytesOf(100, 2);
        expect(await store.writeIndexSnapshot("acme", 2, 1, second)).toBe(true);
        expect(
          Buffer.from((await store.readIndexSnapshot("acme", 2))!.bytes).equals(Buffer.from(second)),
        ).toBe(true);
        // Never one newer than asked for (a process behind the writer's revision).
        expect(await store.readIndexSnapshot("acme", 1)).toBeUndefined();
        // An older one (a slower writer) does not replace it.
        expect(await store.writeIndexSnapshot("acme", 1, 1, first)).toBe(false);
        expect((await store.readIndexSnapshot("acme", 2))?.revision).toBe(2);
        expect(await store.readIndexSnapshot("globex", 2)).toBeUndefined();
        expect((await store.listIndexSnapshots()).map((s) => [s.tenant, s.revision, s.bytes])).toEqual([
          ["acme", 2, 100],
        ]);
      } finally {
        await store.close();
      }
    });

    it("goes with a purge of its tenant, and one older than a purge is not kept", async () => {
      const store = await open!();
      try {
        await store.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
        await store.writeRelationships("acme", remove("document:a#viewer@user:ann")); // 2
        await store.writeRelationships("globex", create("document:a#viewer@user:ann")); // 3
        expect(await store.writeIndexSnapshot("acme", 1, 1, bytesOf(10, 3))).toBe(true);
        expect(await store.writeIndexSnapshot("globex", 3, 1, bytesOf(10, 4))).toBe(true);
        // A SQLite file keeps a copy of each beside it (snapshot-files.ts), which the purge removes too.
        const beside = name === "sqlite file" ? snapshotFilesDir(join(dir, `store-${files}.db`)) : undefined;
        if (beside !== undefined) expect(existsSync(join(beside, "acme.ghix"))).toBe(true);
        const audit = (action: string, id?: number) => ({
          actor: "ann",
          action,
          tenant: "acme",
          target: id === undefined ? "change:1" : `change:${id}`,
          reason: null,
          details: null,
        });
        const { id } = await store.createChange(
          {
            tenant: "acme",
            intent: "purge",
            reason: "gone",
            author: "ann",
            spec: { writes: [], deletes: [], deleteWhere: [], schema: null },
          },
          audit("change.propose"),
        );
        await store.updateChange(
          id,
          { state: "planned", plan: {}, baseRevision: 3 },
          audit("change.plan", id),
        );
        const purged = await store.purgeRelationships(
          {
            changeId: id,
            tenant: "acme",
            relationships: [parseRelationship("document:a#viewer@user:ann")],
            plan: null,
          },
          audit("change.apply", id),
        );
        expect(purged.removed).toBe(1);
        expect(await store.readIndexSnapshot("acme", 10)).toBeUndefined();
        if (beside !== undefined) {
          expect(existsSync(join(beside, "acme.ghix"))).toBe(false);
          expect(existsSync(join(beside, "globex.ghix"))).toBe(true);
        }
        // The snapshot at 1 held a relationship whose deletion (revision 2) the purge removed.
        expect(await store.writeIndexSnapshot("acme", 3, 1, bytesOf(10, 5))).toBe(false);
        expect(await store.readIndexSnapshot("acme", 10)).toBeUndefined();
        expect(await store.writeIndexSnapshot("acme", purged.revision, 1, bytesOf(10, 6))).toBe(true);
        // Other tenants keep theirs.
        expect((await store.readIndexSnapshot("globex", 10))?.revision).toBe(3);
      } finally {
        await store.close();
      }
    });
  });
}
