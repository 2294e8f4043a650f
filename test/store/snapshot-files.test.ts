import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TENANT_NAME } from "../../src/model/names.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { SnapshotFiles, snapshotFilesDir } from "../../src/store/sqlite/snapshot-files.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

/**
 * A SQLite file store keeps each tenant's index snapshot also as a file beside it, read instead
 * of the blob only when it is the copy of the snapshot the tables record: a stale or damaged
 * file is ignored (said, with the store's copy read instead). A purge removes it:
 * test/store/index-snapshots.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), "gatehouse-snapshot-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newStore = () => {
  const path = join(dir, `store-${++files}.db`);
  return { path, store: SqliteStore.open(path), file: join(snapshotFilesDir(path), "acme.ghix") };
};

const create = (...texts: string[]) =>
  texts.map((text) => ({ operation: "create" as const, relationship: parseRelationship(text) }));

function bytesOf(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

const same = (a: Uint8Array | undefined, b: Uint8Array) =>
  a !== undefined && Buffer.from(a).equals(Buffer.from(b));

describe("index snapshot files beside a SQLite store", () => {
  it("writes the file with the snapshot and reads the snapshot from it", async () => {
    const { store, file } = newStore();
    try {
      await store.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
      const bytes = bytesOf(3000, 1);
      expect(await store.writeIndexSnapshot("acme", 1, 7, bytes)).toBe(true);
      expect(existsSync(file)).toBe(true);
      const read = await store.readIndexSnapshot("acme", 1);
      expect(read?.file).toBe(file);
      expect(read?.fileIgnored).toBeUndefined();
      expect(read).toMatchObject({ tenant: "acme", revision: 1, format: 7 });
      expect(same(read?.bytes, bytes)).toBe(true);
      // Asked not to: the store's own copy, the same bytes.
      const own = await store.readIndexSnapshot("acme", 1, { file: false });
      expect(own?.file).toBeUndefined();
      expect(same(own?.bytes, bytes)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("starts the snapshot 8-aligned in the bytes read from the file, whatever the header's length", async () => {
    // Aligned, a format-3 snapshot's arrays are views of these bytes rather than copies.
    const { store } = newStore();
    try {
      for (let revision = 1; revision <= 8; revision++) {
        await store.writeRelationships("acme", create(`document:a${"x".repeat(revision)}#viewer@user:ann`));
        const bytes = bytesOf(1000 + revision, revision);
        expect(await store.writeIndexSnapshot("acme", revision, 3, bytes)).toBe(true);
        const read = await store.readIndexSnapshot("acme", revision);
        expect(read?.file).toBeDefined();
        expect(same(read?.bytes, bytes)).toBe(true);
        expect(read!.bytes.byteOffset % 8, `revision ${revision}`).toBe(0);
      }
    } finally {
      await store.close();
    }
  });

  it("ignores a stale file (of the snapshot before) and a truncated one, saying so, and reads the store's copy", async () => {
    const { store, file } = newStore();
    try {
      await store.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
      await store.writeRelationships("acme", create("document:b#viewer@user:ann")); // 2
      expect(await store.writeIndexSnapshot("acme", 1, 7, bytesOf(3000, 1))).toBe(true);
      copyFileSync(file, `${file}.old`);
      const second = bytesOf(3000, 2);
      expect(await store.writeIndexSnapshot("acme", 2, 7, second)).toBe(true);
      // The older snapshot's file back in place (a copy restored, a writer that lost a race).
      copyFileSync(`${file}.old`, file);
      const stale = await store.readIndexSnapshot("acme", 2);
      expect(stale?.file).toBeUndefined();
      expect(stale?.fileIgnored).toEqual({
        path: file,
        reason: "stale: it holds revision 1 of another snapshot",
      });
      expect(same(stale?.bytes, second)).toBe(true);
      // The same revision and size, another snapshot (written again): its tag tells them apart.
      copyFileSync(file, `${file}.old`);
      expect(await store.writeIndexSnapshot("acme", 2, 7, bytesOf(3000, 3))).toBe(true);
      copyFileSync(`${file}.old`, file);
      const rewritten = await store.readIndexSnapshot("acme", 2);
      expect(rewritten?.fileIgnored?.reason).toMatch(/^stale/);
      expect(same(rewritten?.bytes, bytesOf(3000, 3))).toBe(true);

      expect(await store.writeIndexSnapshot("acme", 2, 7, second)).toBe(true);
      truncateSync(file, readFileSync(file).byteLength - 10);
      const truncated = await store.readIndexSnapshot("acme", 2);
      expect(truncated?.fileIgnored).toEqual({ path: file, reason: "truncated: 2990 bytes of 3000" });
      expect(same(truncated?.bytes, second)).toBe(true);
      writeFileSync(file, "not a snapshot file at all");
      expect((await store.readIndexSnapshot("acme", 2))?.fileIgnored?.reason).toBe("truncated");
      // No file: the store's copy, nothing to say.
      rmSync(file);
      const none = await store.readIndexSnapshot("acme", 2);
      expect(none?.fileIgnored).toBeUndefined();
      expect(same(none?.bytes, second)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("keeps no file for a store in memory", async () => {
    const store = SqliteStore.open(":memory:");
    try {
      await store.writeRelationships("acme", create("document:a#viewer@user:ann")); // 1
      expect(await store.writeIndexSnapshot("acme", 1, 7, bytesOf(10, 1))).toBe(true);
      const read = await store.readIndexSnapshot("acme", 1);
      expect(read?.file).toBeUndefined();
      expect(same(read?.bytes, bytesOf(10, 1))).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe("a snapshot file's name, from its tenant", () => {
  const files = new SnapshotFiles(join(dir, "names.db"));

  it("refuses a tenant that could leave the directory or cut the name short", () => {
    for (const tenant of [
      "../acme",
      "a/b",
      "a\\b",
      "..",
      ".",
      "",
      "acme\0x",
      "ACME",
      "acme.ghix",
      "c:acme",
    ]) {
      expect(() => files.path(tenant), JSON.stringify(tenant)).toThrow(/invalid tenant name/);
    }
  });

  it("gives a Windows device name (con, nul, com1...) a usable name of its own, distinct from every tenant's", () => {
    const devices = ["con", "prn", "aux", "nul", "com0", "com1", "com9", "lpt1", "lpt9"];
    const names = new Set<string>();
    for (const tenant of devices) {
      const base = basename(files.path(tenant));
      const stem = base.slice(0, base.indexOf("."));
      expect(["con", "prn", "aux", "nul"].includes(stem) || /^(com|lpt)[0-9]$/.test(stem), base).toBe(false);
      // Not a valid tenant's stem: no tenant's file can be it.
      expect(TENANT_NAME.test(stem), base).toBe(false);
      names.add(base);
    }
    expect(names.size).toBe(devices.length);
    // Ordinary names keep the name they always had (files written before are still found).
    expect(basename(files.path("acme"))).toBe("acme.ghix");
    expect(basename(files.path("console"))).toBe("console.ghix");
    expect(basename(files.path("com10"))).toBe("com10.ghix");
  });

  it("writes and reads a device-named tenant's snapshot through its file", async () => {
    const path = join(dir, "devices.db");
    const store = SqliteStore.open(path);
    try {
      await store.writeRelationships("nul", create("document:a#viewer@user:ann")); // 1
      const bytes = bytesOf(2000, 3);
      expect(await store.writeIndexSnapshot("nul", 1, 7, bytes)).toBe(true);
      const read = await store.readIndexSnapshot("nul", 1);
      expect(read?.file).toBe(join(snapshotFilesDir(path), "_nul.ghix"));
      expect(same(read?.bytes, bytes)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
