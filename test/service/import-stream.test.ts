import { afterAll, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { IMPORT_BATCH } from "../../src/service/relationship-import.js";
import { postgresUrlForTest } from "../support/postgres.js";

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}`;

const postgres = await postgresUrlForTest("import_stream");
afterAll(async () => postgres.drop?.());

/** More lines than one batch holds, so that the import is staged in several. */
const LINES = IMPORT_BATCH + 5_000;
const goodLines = (from = 0) =>
  Array.from({ length: LINES }, (_, i) => `document:d${from + i}#viewer@user:u${i % 50}`);

/** Yields the text in small pieces that cut lines (and a UTF-8 character) anywhere. */
async function* pieces(text: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += 4093) yield bytes.subarray(at, at + 4093);
}

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error("expected a failure");
}

const stores: [string, () => string | undefined][] = [
  ["SQLite", () => ":memory:"],
  ["PostgreSQL", () => postgres.url],
];

describe.each(stores)("a streamed import on %s", (_name, location) => {
  const open = async () => {
    const url = location();
    const g = await Gatehouse.open(url!, { decisionLog: { sample: "off" } });
    await g.writeSchema(SCHEMA);
    return g;
  };

  it.skipIf(location() === undefined)(
    "writes every batch as one revision, from pieces that cut lines anywhere",
    async () => {
      const g = await open();
      const tenant = `t${Date.now().toString(36)}a`;
      // Comments with characters of two and three UTF-8 bytes, so that some piece cuts one.
      const text = goodLines()
        .map((line, i) => (i % 997 === 0 ? `// ünïcödé ✓ ${i}\r\n${line}` : line))
        .join("\r\n");
      const result = await g.importRelationshipsFrom(tenant, pieces(text), { file: "big.txt" });
      expect(result.created).toBe(LINES);
      const record = await g.revisionRecord(result.revision);
      expect(record.created).toBe(LINES);
      expect(
        (
          await g.check(tenant, {
            resource: { type: "document", id: `d${LINES - 1}` },
            permission: "view",
            subject: { type: "user", id: `u${(LINES - 1) % 50}` },
          })
        ).allowed,
      ).toBe(true);
      // Again: what is live is left as it is, nothing new is created.
      expect((await g.importRelationshipsFrom(tenant, goodLines().join("\n"))).created).toBe(0);
      await g.close();
    },
    120_000,
  );

  it.skipIf(location() === undefined)(
    "a bad line after the first batches, or a line repeated from an earlier batch, leaves nothing written and is named",
    async () => {
      const g = await open();
      const tenant = `t${Date.now().toString(36)}b`;
      const head = await g.store.headRevision();
      const bad = [...goodLines(), "document:z#viewer@usr:zed"].join("\n");
      const badLine = await failure(g.importRelationshipsFrom(tenant, bad, { file: "bad.txt" }));
      expect(badLine.place).toMatchObject({ file: "bad.txt", line: LINES + 1 });
      expect(badLine.message).toContain("unknown subject type `usr`");

      const repeated = [...goodLines(), "document:d3#viewer@user:u3"].join("\n");
      const repeat = await failure(g.importRelationshipsFrom(tenant, repeated, { file: "again.txt" }));
      expect(repeat.message).toBe("`document:d3#viewer@user:u3` appears twice (first on line 4)");
      expect(repeat.place).toMatchObject({ file: "again.txt", line: LINES + 1 });

      expect(await g.store.headRevision()).toBe(head);
      expect(await g.readRelationships(tenant, {}, { limit: 1 })).toEqual([]);
      await g.close();
    },
    120_000,
  );

  it.skipIf(location() === undefined)(
    "names repeats (in one batch or across) and bad lines in line order, the first 20, and counts the rest",
    async () => {
      const g = await open();
      const tenant = `t${Date.now().toString(36)}r`;
      const head = await g.store.headRevision();
      const lines = goodLines();
      // 24 repeats: 4 of line 10 (two in its own batch, two in the next) and 20 of line 1 in the
      // batch not yet staged when the last line, which does not read, ends the staging.
      for (let i = 0; i < 20; i++) lines.push("document:d0#viewer@user:u0");
      lines.splice(12, 0, "document:d9#viewer@user:u9", "document:d9#viewer@user:u9");
      lines.splice(IMPORT_BATCH + 3, 0, "document:d9#viewer@user:u9", "document:d9#viewer@user:u9");
      lines.push("document:z#viewer@usr:zed");
      const error = await failure(g.importRelationshipsFrom(tenant, lines.join("\n"), { file: "r.txt" }));
      const causes = error.details.map((e) => [e.place?.line, e.message]);
      expect(error.message).toBe("nothing was written: r.txt has bad lines: 21 errors");
      expect(causes.slice(0, 3)).toEqual([
        [13, "`document:d9#viewer@user:u9` appears twice (first on line 10)"],
        [14, "`document:d9#viewer@user:u9` appears twice (first on line 10)"],
        [IMPORT_BATCH + 4, "`document:d9#viewer@user:u9` appears twice (first on line 10)"],
      ]);
      expect(causes[19]).toEqual([
        LINES + 4 + 16,
        "`document:d0#viewer@user:u0` appears twice (first on line 1)",
      ]);
      // 24 repeats and the bad line: 20 named, 5 counted.
      expect(causes[20]).toEqual([undefined, "… and 5 more bad lines"]);
      expect(await g.store.headRevision()).toBe(head);
      expect(await g.readRelationships(tenant, {}, { limit: 1 })).toEqual([]);
      await g.close();
    },
    120_000,
  );
});

const CAVEATED = `use expiration

caveat weekday(day string) {
  day != "sunday"
}

definition user {}
definition document {
  relation viewer: user | user with weekday | user with expiration
  permission view = viewer
}`;

describe.each(stores)("an import of caveated and expiring relationships on %s", (_name, location) => {
  it.skipIf(location() === undefined)(
    "stages caveats and expirations; a line with other traits, or over an expired one, replaces the live relationship; the same traits leave it",
    async () => {
      let now = new Date("2027-01-01T00:00:00Z");
      const g = await Gatehouse.open(location()!, {
        decisionLog: { sample: "off" },
        now: () => now,
        clockInStore: true,
      });
      await g.writeSchema(CAVEATED);
      const tenant = `t${Date.now().toString(36)}c`;
      const first = await g.importRelationships(
        tenant,
        [
          'document:a#viewer@user:ann[weekday:{"day":"sunday"}]',
          "document:b#viewer@user:bob[expiration:2027-01-02T00:00:00Z]",
          "document:c#viewer@user:cy",
        ].join("\n"),
      );
      expect(first.created).toHaveLength(3);
      const ask = async (resource: string, subject: string) =>
        (
          await g.check(tenant, {
            resource: { type: "document", id: resource },
            permission: "view",
            subject: { type: "user", id: subject },
          })
        ).allowed;
      expect(await ask("a", "ann")).toBe(false);
      expect(await ask("b", "bob")).toBe(true);

      // The same lines again: nothing changes, nothing is ended.
      const again = await g.importRelationships(
        tenant,
        'document:a#viewer@user:ann[weekday:{"day":"sunday"}]\ndocument:c#viewer@user:cy',
      );
      expect(again.created).toHaveLength(0);
      expect(again.deleted).toHaveLength(0);

      // Another context replaces ann's; bob's expires, and a plain line over it replaces it.
      now = new Date("2027-01-03T00:00:00Z");
      expect(await ask("b", "bob")).toBe(false);
      const replaced = await g.importRelationships(
        tenant,
        'document:a#viewer@user:ann[weekday:{"day":"monday"}]\ndocument:b#viewer@user:bob',
      );
      expect(replaced.created.map((r) => r.caveat?.context ?? r.expiresAt ?? "plain")).toEqual([
        { day: "monday" },
        "plain",
      ]);
      expect(replaced.deleted).toHaveLength(2);
      expect(await ask("a", "ann")).toBe(true);
      expect(await ask("b", "bob")).toBe(true);
      const read = await g.readRelationships(tenant, { resourceType: "document" });
      expect(read.map((r) => r.caveat?.context ?? r.expiresAt ?? "plain")).toEqual([
        { day: "monday" },
        "plain",
        "plain",
      ]);
      await g.close();
    },
  );
});
