import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PreconditionFailed } from "../../src/store/common/write-preconditions.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { type PostgresTarget, postgresUrlForTest } from "../support/postgres.js";

/**
 * Two writers, each on its own connection to one store, both write under the same precondition
 * (nobody holds the lock yet) at the same moment: exactly one may win. The store looks at the
 * precondition inside the write's transaction, after taking the revision that serialises
 * writers, so the loser sees the winner's write and writes nothing.
 */
async function raceTwoWriters(first: Store, second: Store, round: number): Promise<void> {
  const lock = `lock${round}`;
  const take = (store: Store, who: string) =>
    store.writeRelationships(
      "default",
      [
        {
          operation: "touch",
          relationship: {
            resource: { type: "doc", id: lock },
            relation: "holder",
            subject: { type: "user", id: who },
          },
        },
      ],
      {
        door: "test",
        preconditions: [
          {
            filter: { resourceType: "doc", resourceId: lock, relation: "holder" },
            mustMatch: false,
            field: "p",
          },
        ],
      },
    );
  const results = await Promise.allSettled([take(first, "ann"), take(second, "bob")]);
  const won = results.filter((r) => r.status === "fulfilled");
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect(lost[0]?.reason).toBeInstanceOf(PreconditionFailed);
  expect((lost[0]?.reason as Error | undefined)?.message).toMatch(
    /`p`.*a relationship matches the filter.*nothing was written/,
  );
  const holders = await first.readRelationships("default", { resourceType: "doc", resourceId: lock });
  expect(holders).toHaveLength(1);
}

async function mustMatchHolds(store: Store): Promise<void> {
  const write = (mustMatch: boolean) =>
    store.writeRelationships(
      "default",
      [
        {
          operation: "touch",
          relationship: {
            resource: { type: "doc", id: "m" },
            relation: "viewer",
            subject: { type: "user", id: "cy" },
          },
        },
      ],
      { preconditions: [{ filter: { resourceType: "doc", resourceId: "absent" }, mustMatch, field: "q" }] },
    );
  await expect(write(true)).rejects.toBeInstanceOf(PreconditionFailed);
  expect(await store.readRelationships("default", { resourceType: "doc", resourceId: "m" })).toEqual([]);
  // The refused write took no revision: the next one follows the last written.
  const head = await store.headRevision();
  expect((await write(false)).revision).toBe(head + 1);
}

/**
 * A precondition with a resource id prefix (SpiceDB's `optional_resource_id_prefix`) matches the
 * live relationships whose id starts with it, and no other (`m` is live: `m` and `` match, `ma` not).
 */
async function prefixHolds(store: Store): Promise<void> {
  const write = (id: string, resourceIdPrefix: string, mustMatch: boolean) =>
    store.writeRelationships(
      "default",
      [
        {
          operation: "touch",
          relationship: {
            resource: { type: "doc", id },
            relation: "viewer",
            subject: { type: "user", id: "dee" },
          },
        },
      ],
      { preconditions: [{ filter: { resourceType: "doc" }, resourceIdPrefix, mustMatch, field: "r" }] },
    );
  await expect(write("p1", "ma", true)).rejects.toBeInstanceOf(PreconditionFailed);
  await expect(write("p2", "m", false)).rejects.toBeInstanceOf(PreconditionFailed);
  await write("p3", "m", true);
  await write("p4", "ma", false);
  await write("p5", "p3", true);
  const ids = (await store.readRelationships("default", { resourceType: "doc", subjectId: "dee" })).map(
    (r) => r.resource.id,
  );
  expect(ids).toEqual(["p3", "p4", "p5"]);
}

describe("write preconditions inside the write's transaction: SQLite", () => {
  const file = join(mkdtempSync(join(tmpdir(), "gatehouse-preconditions-")), "store.db");
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it("lets exactly one of two racing writers through one precondition", async () => {
    const first = await openStore(file);
    stores.push(first);
    const second = await openStore(file);
    stores.push(second);
    for (let round = 0; round < 5; round++) await raceTwoWriters(first, second, round);
  });

  it("refuses a write whose MUST_MATCH finds nothing, and takes no revision", async () => {
    const store = await openStore(file);
    stores.push(store);
    await mustMatchHolds(store);
  });

  it("matches a resource id prefix", async () => {
    const store = await openStore(file);
    stores.push(store);
    await prefixHolds(store);
  });
});

describe("write preconditions inside the write's transaction: PostgreSQL", () => {
  let target: PostgresTarget | undefined;
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await target?.drop?.();
  });

  it("lets exactly one of two racing writers through one precondition, and refuses MUST_MATCH on nothing", async (context) => {
    target = await postgresUrlForTest("write_preconditions");
    if (target.skip || !target.url) return context.skip();
    const first = await openStore(target.url);
    stores.push(first);
    const second = await openStore(target.url);
    stores.push(second);
    for (let round = 0; round < 5; round++) await raceTwoWriters(first, second, round);
    await mustMatchHolds(first);
    await prefixHolds(first);
  });
});
