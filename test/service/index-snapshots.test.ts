import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CheckRequest } from "../../src/engine/engine.js";
import { SNAPSHOT_FORMAT } from "../../src/engine/index-snapshot.js";
import { parseRelationship, type Relationship } from "../../src/model/relationship.js";
import { Gatehouse, type GatehouseOptions } from "../../src/service/gatehouse.js";
import { openStore } from "../../src/store/open-store.js";
import { snapshotFilesDir } from "../../src/store/sqlite/snapshot-files.js";

/**
 * Loading a tenant from its index snapshot: the same answers as a load from the rows (caveats,
 * expirations, and the writes made after the snapshot), and a snapshot that cannot be used is
 * ignored with one log line.
 */
const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition group {
  relation member: user | user with expiration | group#member
}

definition document {
  relation viewer: user | user with on_level | user with expiration | group#member | user:*
  relation banned: user
  permission view = viewer - banned
}
`;

const dir = mkdtempSync(join(tmpdir(), "gatehouse-snapshot-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const T0 = "2030-01-01T00:00:00Z";
const T1 = "2030-02-01T00:00:00Z"; // after `SOON`, before `LATER`
const SOON = "2030-01-15T00:00:00Z";
const LATER = "2030-06-01T00:00:00Z";

const rel = (text: string, extra: Partial<Relationship> = {}): Relationship => ({
  ...parseRelationship(text),
  ...extra,
});
const touch = (...relationships: Relationship[]) =>
  relationships.map((relationship) => ({ operation: "touch" as const, relationship }));
const remove = (...texts: string[]) =>
  texts.map((text) => ({ operation: "delete" as const, relationship: parseRelationship(text) }));

const options = (at: string, more: GatehouseOptions = {}): GatehouseOptions => ({
  now: () => new Date(at),
  clockInStore: true,
  decisionLog: { sample: 0 },
  rolloutPollMs: 0,
  ...more,
});

/** A Gatehouse whose store refuses to be scanned: its tenants can only come from snapshots. */
async function withoutRows(file: string, at: string, log: string[]): Promise<Gatehouse> {
  const store = await openStore(file, { now: () => new Date(at) });
  store.scanTenant = () => {
    throw new Error("loaded from the rows");
  };
  return Gatehouse.withStore(store, options(at, { indexSnapshots: { log: (line) => log.push(line) } }));
}

const QUESTIONS: CheckRequest[] = [];
for (const doc of ["d1", "d2", "d3", "d4"])
  for (const user of ["ann", "bob", "cat", "dan", "eve", "zed"])
    for (const context of [undefined, { level: 5 }])
      QUESTIONS.push({
        resource: { type: "document", id: doc },
        permission: "view",
        subject: { type: "user", id: user },
        context,
      });

async function answers(g: Gatehouse): Promise<string[]> {
  const out: string[] = [];
  for (const q of QUESTIONS) {
    const { allowed, conditional } = await g.check("t", q);
    out.push(
      `${q.resource.id} ${q.subject.id} ${JSON.stringify(q.context)}: ${allowed} ${conditional ?? ""}`,
    );
  }
  return out;
}

/** The store opened by a process that loads snapshots (and logs), and by one that loads the rows. */
async function besideRows(file: string): Promise<{ g: Gatehouse; fromRows: Gatehouse; log: string[] }> {
  const log: string[] = [];
  const g = await Gatehouse.open(file, options(T0, { indexSnapshots: { log: (line) => log.push(line) } }));
  const fromRows = await Gatehouse.open(file, options(T0, { indexSnapshots: { load: false } }));
  return { g, fromRows, log };
}

async function seeded(): Promise<string> {
  const file = join(dir, `store-${++files}.db`);
  const g = await Gatehouse.open(file, options(T0));
  await g.writeSchema(SCHEMA);
  await g.writeRelationships(
    "t",
    touch(
      rel("group:eng#member@user:ann"),
      rel("group:eng#member@user:bob", { expiresAt: SOON }),
      rel("group:all#member@group:eng#member"),
      rel("document:d1#viewer@group:all#member"),
      rel("document:d1#banned@user:dan"),
      rel("document:d2#viewer@user:cat", { caveat: { name: "on_level", context: { level: 1 } } }),
      rel("document:d2#viewer@user:dan", { caveat: { name: "on_level" } }),
      rel("document:d3#viewer@user:eve", { expiresAt: LATER }),
      rel("document:d4#viewer@user:*"),
      rel("document:d4#banned@user:zed"),
    ),
  );
  await g.writeRelationships("other", touch(rel("document:d1#viewer@user:zed")));
  const written = await g.writeIndexSnapshot("t");
  expect(written).toMatchObject({ tenant: "t", revision: 3, relationships: 10, kept: true });
  // After the snapshot: writes to the tenant (and another) that a load must catch up with.
  await g.writeRelationships(
    "t",
    touch(rel("document:d3#viewer@user:bob"), rel("group:eng#member@user:cat")),
  );
  await g.writeRelationships("other", touch(rel("document:d2#viewer@user:zed")));
  await g.writeRelationships("t", remove("document:d4#banned@user:zed"));
  await g.close();
  return file;
}

describe("loading a tenant from its index snapshot", () => {
  it("answers as a load from the rows, after catching up with later writes", async () => {
    const file = await seeded();
    for (const at of [T0, T1]) {
      const log: string[] = [];
      const fromSnapshot = await withoutRows(file, at, log);
      const fromRows = await Gatehouse.open(file, options(at, { indexSnapshots: { load: false } }));
      try {
        const expected = await answers(fromRows);
        expect(await answers(fromSnapshot)).toEqual(expected);
        expect(log).toEqual([]);
        // Writes made after the snapshot count, and so does the clock: bob's membership expired by T1.
        expect(expected).toContain("d3 bob undefined: true ");
        expect(expected).toContain(`d1 bob undefined: ${at === T0} `);
        expect(expected).toContain("d4 zed undefined: true ");
        expect(expected).toContain("d2 dan undefined: false level");
      } finally {
        await fromSnapshot.close();
        await fromRows.close();
      }
    }
  });

  it("ignores a corrupt snapshot with one log line, and loads from the rows", async () => {
    const file = await seeded();
    const store = await openStore(file);
    const head = await store.headRevision();
    const good = await store.readIndexSnapshot("t", head);
    const corrupt = good!.bytes.slice();
    corrupt[corrupt.length - 3]! ^= 0xff;
    expect(await store.writeIndexSnapshot("t", head, good!.format, corrupt)).toBe(true);
    await store.close();

    const { g, fromRows, log } = await besideRows(file);
    try {
      expect(await answers(g)).toEqual(await answers(fromRows));
      expect(log).toEqual([
        `gatehouse: index snapshot of tenant \`t\` at revision ${head} ignored (checksum mismatch: the snapshot is corrupt); loading from the store`,
      ]);
      // A new snapshot replaces it, and the next process loads from that one.
      await g.writeIndexSnapshot("t");
      const next: string[] = [];
      const again = await withoutRows(file, T0, next);
      expect(await answers(again)).toEqual(await answers(fromRows));
      expect(next).toEqual([]);
      await again.close();
    } finally {
      await g.close();
      await fromRows.close();
    }
  });

  it("loads from the file beside the store, and from the store's copy when the file is corrupt, saying so", async () => {
    const file = await seeded();
    const snapshotFile = join(snapshotFilesDir(file), "t.ghix");
    const fromRows = await Gatehouse.open(file, options(T0, { indexSnapshots: { load: false } }));
    try {
      const expected = await answers(fromRows);
      const log: string[] = [];
      const fromFile = await withoutRows(file, T0, log);
      expect(await answers(fromFile)).toEqual(expected);
      expect(log).toEqual([]);
      await fromFile.close();

      const bytes = readFileSync(snapshotFile);
      bytes[bytes.length - 3]! ^= 0xff;
      writeFileSync(snapshotFile, bytes);
      const fromStore = await withoutRows(file, T0, log);
      expect(await answers(fromStore)).toEqual(expected);
      expect(log).toEqual([
        `gatehouse: index snapshot file \`${snapshotFile}\` of tenant \`t\` ignored (checksum mismatch: the snapshot is corrupt); reading the store's copy`,
      ]);
      await fromStore.close();
    } finally {
      await fromRows.close();
    }
  });

  it("ignores a snapshot of the format before (1) with one log line, and loads from the rows", async () => {
    const file = await seeded();
    const store = await openStore(file);
    const head = await store.headRevision();
    const good = await store.readIndexSnapshot("t", head);
    expect(good!.format).toBe(SNAPSHOT_FORMAT);
    expect(await store.writeIndexSnapshot("t", head, 1, good!.bytes)).toBe(true);
    await store.close();

    const { g, fromRows, log } = await besideRows(file);
    try {
      expect(await answers(g)).toEqual(await answers(fromRows));
      expect(log).toEqual([
        `gatehouse: index snapshot of tenant \`t\` at revision ${head} ignored (format version 1; this Gatehouse reads versions 2 and 3); loading from the store`,
      ]);
    } finally {
      await g.close();
      await fromRows.close();
    }
  });

  it("writes one after an import, and the next process loads the imported data from it", async () => {
    const file = join(dir, `store-${++files}.db`);
    const g = await Gatehouse.open(file, options(T0));
    await g.writeSchema(SCHEMA);
    await g.importRelationships(
      "t",
      "document:d1#viewer@user:ann\ndocument:d2#viewer@group:eng#member\ngroup:eng#member@user:bob",
    );
    expect((await g.store.listIndexSnapshots()).map((s) => [s.tenant, s.revision])).toEqual([["t", 2]]);
    await g.close();
    const again = await withoutRows(file, T0, []);
    const bobOnD2: CheckRequest = {
      resource: { type: "document", id: "d2" },
      permission: "view",
      subject: { type: "user", id: "bob" },
    };
    expect((await again.check("t", bobOnD2)).allowed).toBe(true);
    await again.close();
  });

  it("is written in the background once enough of a loaded tenant is new to the last one (serve)", async () => {
    const file = join(dir, `store-${++files}.db`);
    const g = await Gatehouse.open(file, options(T0, { indexSnapshots: { background: { everyMs: 20 } } }));
    try {
      await g.writeSchema(SCHEMA);
      const lines = Array.from({ length: 10_000 }, (_, i) => `document:d${i}#viewer@user:u${i % 97}`);
      await g.importRelationships("t", lines.join("\n"));
      // Written in the background, not by the import.
      expect(await g.store.listIndexSnapshots()).toEqual([]);
      const u5OnD5: CheckRequest = {
        resource: { type: "document", id: "d5" },
        permission: "view",
        subject: { type: "user", id: "u5" },
      };
      expect((await g.check("t", u5OnD5)).allowed).toBe(true);
      const until = Date.now() + 10_000;
      while ((await g.store.listIndexSnapshots()).length === 0 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await g.store.listIndexSnapshots()).map((s) => [s.tenant, s.revision])).toEqual([["t", 2]]);
      // A few more writes are not enough for another.
      await g.writeRelationships("t", touch(rel("document:x#viewer@user:ann")));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await g.store.listIndexSnapshots()).map((s) => s.revision)).toEqual([2]);
    } finally {
      await g.close();
    }
  });
});
