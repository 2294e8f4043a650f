import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { Engine, TenantIndex } from "../../src/engine/engine.js";
import {
  crc32Here,
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_FORMAT,
  SnapshotRefused,
} from "../../src/engine/index-snapshot.js";
import { parseRelationship, type Relationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";

const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition group {
  relation member: user | user with on_level | user with expiration | group#member
}

definition folder {
  relation viewer: user | group#member | user with on_level
  permission view = viewer
}

definition document {
  relation parent: folder | folder with expiration
  relation viewer: user | user:* | user:* with on_level | user with on_level | user with expiration | group#member
  relation banned: user
  permission view = (viewer + parent->view) - banned
}
`;

const NOW = Date.parse("2030-01-01T00:00:00Z");
const LATER = "2030-06-01T00:00:00Z";
const EARLIER = "2029-06-01T00:00:00Z";

const rel = (text: string, extra: Partial<Relationship> = {}): Relationship => ({
  ...parseRelationship(text),
  ...extra,
});

/** Plain, userset, wildcard, caveated and expiring edges; lists of every kind (number, array, set). */
function sample(): { created: Relationship[]; deleted: Relationship[] } {
  const created: Relationship[] = [];
  for (let u = 0; u < 40; u++) created.push(rel(`group:big#member@user:u${u}`)); // a Set
  for (let u = 0; u < 5; u++) created.push(rel(`group:small#member@user:u${u}`)); // an array
  created.push(rel("group:nested#member@group:big#member"));
  created.push(rel("group:nested#member@user:el/odie=x")); // an id with punctuation
  created.push(rel("group:lvl#member@user:u7", { caveat: { name: "on_level", context: { level: 1 } } }));
  created.push(rel("group:lvl#member@user:u8", { caveat: { name: "on_level" } }));
  created.push(rel("group:tmp#member@user:u9", { expiresAt: LATER }));
  created.push(rel("group:tmp#member@user:u10", { expiresAt: EARLIER }));
  for (let d = 0; d < 30; d++) {
    created.push(rel(`document:d${d}#parent@folder:f${d % 3}`));
    created.push(rel(`document:d${d}#viewer@user:u${d}`));
    if (d % 4 === 0) created.push(rel(`document:d${d}#viewer@group:nested#member`));
    if (d % 5 === 0) created.push(rel(`document:d${d}#banned@user:u${d + 1}`));
  }
  created.push(rel("document:d1#viewer@user:*"));
  created.push(rel("document:d2#viewer@user:*", { caveat: { name: "on_level", context: { level: 9 } } }));
  created.push(rel("document:d3#viewer@user:u11", { expiresAt: LATER }));
  created.push(rel("document:d4#parent@folder:f9", { expiresAt: EARLIER }));
  created.push(rel("folder:f0#viewer@group:lvl#member"));
  created.push(rel("folder:f1#viewer@user:u12", { caveat: { name: "on_level", context: { level: 3 } } }));
  created.push(rel("folder:f2#viewer@group:tmp#member"));
  // Deletions leave a Set below the threshold and an array of one turned into a number.
  const deleted = [
    ...Array.from({ length: 30 }, (_, u) => rel(`group:big#member@user:u${u}`)),
    rel("group:small#member@user:u0"),
    rel("group:small#member@user:u1"),
    rel("group:small#member@user:u2"),
    rel("group:small#member@user:u3"),
  ];
  return { created, deleted };
}

function engineOf(index: TenantIndex): Engine {
  const engine = new Engine(compileSchema(SCHEMA), { now: () => NOW });
  engine.registerTenant(index);
  return engine;
}

function answers(engine: Engine): string[] {
  const out: string[] = [];
  const subjects = Array.from({ length: 16 }, (_, u) => `u${u}`).concat("el/odie=x", "stranger");
  for (const [type, count] of [
    ["document", 30],
    ["folder", 4],
    ["group", 0],
  ] as const) {
    const ids =
      type === "group"
        ? ["big", "small", "nested", "lvl", "tmp"]
        : Array.from({ length: count }, (_, i) => `${type[0]}${i}`);
    const permission = type === "group" ? "member" : "view";
    for (const id of ids)
      for (const subject of subjects)
        for (const context of [undefined, { level: 5 }]) {
          const answer = engine.checkAnswer("t", {
            resource: { type, id },
            permission,
            subject: { type: "user", id: subject },
            context,
          });
          out.push(
            `${type}:${id}#${permission}@${subject} ${JSON.stringify(context)} ${JSON.stringify(answer)}`,
          );
        }
  }
  out.push(JSON.stringify(engine.lookupResources("t", "document", "view", { type: "user", id: "u1" })));
  out.push(JSON.stringify(engine.lookupSubjects("t", { type: "document", id: "d4" }, "view", "user")));
  return out;
}

describe("index snapshots", () => {
  it("round-trip exactly: the same numbers, lists, conditions and answers", () => {
    const original = new TenantIndex("t");
    const { created, deleted } = sample();
    original.apply(created, []);
    original.apply([], deleted);
    const bytes = encodeSnapshot(original.data, 42);
    // A far-past clock keeps every expiring edge, so the structure must come back identical.
    const decoded = decodeSnapshot(bytes, 0);
    expect(decoded.revision).toBe(42);
    expect(decoded.expired).toBe(0);
    const a = original.data.parts();
    const b = decoded.data.parts();
    for (const field of [
      "typeNames",
      "relationNames",
      "objectKeys",
      "objectTypes",
      "size",
      "edges",
      "usersetParents",
      "reverse",
    ] as const)
      expect(b[field], field).toEqual(a[field]);
    expect([...b.directConditions]).toEqual([...a.directConditions]);
    expect([...b.usersetConditions]).toEqual([...a.usersetConditions]);
    expect(decoded.data.conditionCount).toBe(original.data.conditionCount);
    expect(decoded.data.wildcardOf).toEqual(original.data.wildcardOf);
    expect(decoded.data.objectsByType).toEqual(original.data.objectsByType);
    expect(decoded.data.conditionsBySlot).toEqual(original.data.conditionsBySlot);

    const restored = new TenantIndex("t", decodeSnapshot(bytes, NOW).data);
    expect(answers(engineOf(restored))).toEqual(answers(engineOf(original)));
    // The restored index takes later writes like any other.
    for (const index of [original, restored]) {
      index.apply(
        [rel("document:d7#banned@user:u7"), rel("group:small#member@user:u1")],
        [rel("document:d3#viewer@user:u3")],
      );
    }
    expect(answers(engineOf(restored))).toEqual(answers(engineOf(original)));
    // Objects added after the load are listed by type as in the original (a list made when first read).
    restored.apply([rel("document:new#viewer@user:newcomer"), rel("team:t1#member@user:u1")], []);
    original.apply([rel("document:new#viewer@user:newcomer"), rel("team:t1#member@user:u1")], []);
    expect(restored.data.objectsByType).toEqual(original.data.objectsByType);
    expect(restored.data.wildcardOf).toEqual(original.data.wildcardOf);
  });

  it("leaves out the edges that expired by the time it is read, as a load from rows does", () => {
    const index = new TenantIndex("t");
    index.apply(sample().created, []);
    const decoded = decodeSnapshot(encodeSnapshot(index.data, 7), NOW);
    expect(decoded.expired).toBe(2);
    expect(decoded.data.has(rel("group:tmp#member@user:u10"))).toBe(false);
    expect(decoded.data.has(rel("document:d4#parent@folder:f9"))).toBe(false);
    expect(decoded.data.has(rel("group:tmp#member@user:u9"))).toBe(true);
    expect(decoded.data.size).toBe(index.data.size - 2);
    const fromRows = new TenantIndex("t");
    fromRows.apply(
      sample().created.filter((r) => r.expiresAt === undefined || Date.parse(r.expiresAt) > NOW),
      [],
    );
    expect(answers(engineOf(new TenantIndex("t", decoded.data)))).toEqual(answers(engineOf(fromRows)));
  });

  it("reads a snapshot of format 2 (varints), as a store kept it before format 3, exactly", () => {
    // Written by Gatehouse's format-2 writer (main at 9b6c3f6) from these relationships.
    const bytes = Buffer.from(
      readFileSync(new URL("fixtures/index-snapshot-format-2.base64", import.meta.url), "utf8"),
      "base64",
    );
    const created: Relationship[] = [];
    for (let u = 0; u < 30; u++) created.push(rel(`group:big#member@user:u${u}`));
    for (let u = 0; u < 4; u++) created.push(rel(`group:small#member@user:u${u}`));
    created.push(rel("group:nested#member@group:big#member"));
    for (let d = 0; d < 12; d++) {
      created.push(rel(`document:d${d}#parent@folder:f${d % 3}`));
      created.push(rel(`document:d${d}#viewer@user:u${d}`));
      if (d % 4 === 0) created.push(rel(`document:d${d}#viewer@group:nested#member`));
    }
    created.push(rel("document:d1#viewer@user:*"));
    created.push(rel("folder:f1#viewer@user:u20"));
    created.push(rel("document:d2#banned@user:u2"));
    created.push(rel("group:lvl#member@user:u7", { caveat: { name: "on_level", context: { level: 1 } } }));
    created.push(rel("group:tmp#member@user:u9", { expiresAt: LATER }));
    const fromRows = new TenantIndex("t");
    fromRows.apply(created, []);

    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)).toBe(2);
    const decoded = decodeSnapshot(bytes, 0);
    expect(decoded.revision).toBe(9);
    const a = fromRows.data.parts();
    const b = decoded.data.parts();
    for (const field of ["objectKeys", "objectTypes", "size", "edges", "usersetParents", "reverse"] as const)
      expect(b[field], field).toEqual(a[field]);
    expect([...b.directConditions]).toEqual([...a.directConditions]);
    expect(answers(engineOf(new TenantIndex("t", decodeSnapshot(bytes, NOW).data)))).toEqual(
      answers(engineOf(fromRows)),
    );
  });

  it("reads the same index from bytes at any alignment (views where aligned, copies where not)", () => {
    const original = new TenantIndex("t");
    original.apply(sample().created, []);
    const bytes = encodeSnapshot(original.data, 4);
    for (const shift of [0, 1, 4]) {
      const shifted = new Uint8Array(bytes.byteLength + shift);
      shifted.set(bytes, shift);
      // A far-past clock keeps every expiring edge: the lists come back as written.
      const decoded = decodeSnapshot(shifted.subarray(shift), 0);
      for (const field of ["edges", "usersetParents", "reverse"] as const)
        expect(decoded.data.parts()[field], `${field}, shift ${shift}`).toEqual(original.data.parts()[field]);
      const now = decodeSnapshot(shifted.subarray(shift), NOW);
      expect(answers(engineOf(new TenantIndex("t", now.data))), `shift ${shift}`).toEqual(
        answers(engineOf(new TenantIndex("t", decodeSnapshot(bytes, NOW).data))),
      );
    }
  });

  it("refuses a format-3 body whose ranges do not cover its lists (a writer's bug)", () => {
    const index = new TenantIndex("t");
    index.apply(sample().created, []);
    const bytes = encodeSnapshot(index.data, 4);
    // The last section is the reverse lists' values; the one before, their kinds; before that,
    // their list starts, whose last number must be the count of values. Break it, fix the checksum.
    const broken = bytes.slice();
    const view = new DataView(broken.buffer);
    const starts: number[] = [];
    for (let at = 64; at < broken.length; ) {
      starts.push(at);
      at += 8 + ((view.getUint32(at, true) + 7) & ~7);
    }
    const listStarts = starts.at(-3)!;
    const length = view.getUint32(listStarts, true);
    view.setInt32(listStarts + 8 + length - 4, 1, true);
    view.setUint32(32, zlib.crc32(broken.subarray(64)), true);
    expect(() => decodeSnapshot(broken, NOW)).toThrow(
      /malformed body: list ranges that do not cover the values/,
    );
  });

  it("sums format 3 with zlib's CRC-32, and the sum computed without zlib (Node before 20.15) is the same", () => {
    expect(crc32Here(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    const index = new TenantIndex("t");
    index.apply(sample().created, []);
    const bytes = encodeSnapshot(index.data, 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(32, true)).toBe(crc32Here(bytes.subarray(64)));
    expect(view.getUint32(32, true)).toBe(zlib.crc32(bytes.subarray(64)));
    expect([...bytes.subarray(36, 64)].every((b) => b === 0)).toBe(true);
  });

  it("round-trips an empty index", () => {
    const decoded = decodeSnapshot(encodeSnapshot(new TenantIndex("t").data, 3), NOW);
    expect(decoded.data.size).toBe(0);
    expect(decoded.revision).toBe(3);
  });

  describe("refuses, saying why", () => {
    const bytes = (() => {
      const index = new TenantIndex("t");
      index.apply(sample().created, []);
      return encodeSnapshot(index.data, 5);
    })();
    const refusal = (input: Uint8Array): string => {
      try {
        decodeSnapshot(input, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(SnapshotRefused);
        return (error as Error).message;
      }
      throw new Error("the snapshot was accepted");
    };

    it("a truncated snapshot", () => {
      expect(refusal(bytes.subarray(0, 20))).toMatch(/truncated: 20 bytes, shorter than the 64-byte header/);
      expect(refusal(bytes.subarray(0, bytes.length - 9))).toMatch(
        /truncated: the header says \d+ bytes, there are \d+/,
      );
    });

    it("a corrupt one", () => {
      const corrupt = bytes.slice();
      corrupt[corrupt.length - 100]! ^= 0x10;
      expect(refusal(corrupt)).toMatch(/checksum mismatch: the snapshot is corrupt/);
    });

    it("another format version", () => {
      const other = bytes.slice();
      new DataView(other.buffer).setUint32(4, SNAPSHOT_FORMAT + 1, true);
      expect(refusal(other)).toMatch(
        `format version ${SNAPSHOT_FORMAT + 1}; this Gatehouse reads versions 2 and 3`,
      );
    });

    it("something that is not a snapshot", () => {
      expect(refusal(new TextEncoder().encode("x".repeat(100)))).toMatch(/not an index snapshot/);
    });
  });
});
