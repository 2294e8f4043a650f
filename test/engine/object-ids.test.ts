import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataIndex } from "../../src/engine/data-index.js";
import { ObjectIds } from "../../src/engine/object-ids.js";
import { ObjectKeys } from "../../src/engine/object-keys.js";

/** An ObjectIds over its own key lists, the way DataIndex feeds it. */
class Harness {
  readonly types: number[] = [];
  readonly typeNames: string[] = [];
  readonly model = new Map<string, number>();
  readonly ids: ObjectIds;

  constructor(readonly keys = new ObjectKeys()) {
    this.ids = new ObjectIds(keys, this.types);
  }

  intern(typeName: string, id: string): number {
    let type = this.typeNames.indexOf(typeName);
    if (type < 0) type = this.typeNames.push(typeName) - 1;
    const known = this.model.get(`${typeName}\u0000${id}`);
    if (known !== undefined) return known;
    const object = this.keys.length;
    this.keys.push(`${typeName}:${id}`);
    this.types.push(type);
    this.ids.add(type, id, object);
    this.model.set(`${typeName}\u0000${id}`, object);
    return object;
  }

  lookup(typeName: string, id: string): number {
    const type = this.typeNames.indexOf(typeName);
    return type < 0 ? -1 : this.ids.get(type, id);
  }

  /** Interns (when `add`) then looks up each, as the model says; then finds every object. */
  replay(ops: readonly (readonly [string, string, boolean])[]): void {
    for (const [t, i, add] of ops) {
      if (add) this.intern(t, i);
      expect(this.lookup(t, i)).toBe(this.model.get(`${t}\u0000${i}`) ?? -1);
    }
    for (const [key, object] of this.model) {
      const [t, i] = key.split("\u0000") as [string, string];
      expect(this.lookup(t, i)).toBe(object);
    }
  }
}

describe("ObjectIds", () => {
  const typeName = fc.constantFrom("user", "doc", "team/member", "x");
  const id = fc.oneof(
    fc.string({ minLength: 1, maxLength: 4 }),
    fc.string({ minLength: 18, maxLength: 23 }),
    fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }),
    fc.integer({ min: 0, max: 300 }).map((n) => `u${n}`),
    fc.uuid(),
  );

  it("finds exactly what was added, by type and id, through growth", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(typeName, id, fc.boolean()), { maxLength: 300 }), (ops) => {
        new Harness().replay(ops);
      }),
      { numRuns: 300 },
    );
  });

  it("tells apart ids that share a hash prefix, a length or their first 20 characters", () => {
    const h = new Harness();
    const ids = [
      "a",
      "b",
      "ab",
      "ba",
      "x".repeat(20),
      `${"x".repeat(20)}y`,
      `${"x".repeat(20)}z`,
      `${"x".repeat(19)}\u0178`,
      `${"x".repeat(19)}\u0078`,
      "\u0178",
      "\u0078",
      "é",
    ];
    for (const i of ids) h.intern("doc", i);
    for (const i of ids) h.intern("user", i);
    for (const i of ids) {
      expect(h.lookup("doc", i)).toBe(h.model.get(`doc\u0000${i}`));
      expect(h.lookup("user", i)).toBe(h.model.get(`user\u0000${i}`));
    }
    expect(h.lookup("doc", "c")).toBe(-1);
    expect(h.lookup("doc", `${"x".repeat(20)}w`)).toBe(-1);
    expect(h.lookup("doc", "\u0179")).toBe(-1);
  });

  it("grows past its small reserve into a large one and keeps every object", () => {
    const index = new DataIndex();
    const count = 120_000;
    for (let i = 0; i < count; i++)
      index.add({
        resource: { type: "doc", id: `d${i}` },
        relation: "viewer",
        subject: { type: "user", id: i % 2 === 0 ? `u${i}` : `user-with-a-long-identifier-${i}` },
      });
    for (let i = 0; i < count; i += 997) {
      expect(index.objectKeys.get(index.objectOf("doc", `d${i}`)!)).toBe(`doc:d${i}`);
      const user = i % 2 === 0 ? `u${i}` : `user-with-a-long-identifier-${i}`;
      expect(index.objectKeys.get(index.objectOf("user", user)!)).toBe(`user:${user}`);
    }
    expect(index.objectOf("doc", `d${count}`)).toBeUndefined();
    expect(index.objectOf("user", "d1")).toBeUndefined();
  });

  it("finds adopted objects (a snapshot's) by a scan, then placed, and adds after them", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(typeName, id), {
          minLength: 1,
          maxLength: 200,
          selector: ([t, i]) => `${t}\u0000${i}`,
        }),
        fc.array(fc.tuple(typeName, id, fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: 0, max: 10 }),
        (adopted, later, lookupsFirst) => {
          // The adopted keys as a snapshot brings them: one text, and where each key ends.
          const text = adopted.map(([t, i]) => `${t}:${i}`).join("");
          const ends = new Int32Array(adopted.length);
          for (let n = 0, end = 0; n < adopted.length; n++) {
            end += `${adopted[n]![0]}:${adopted[n]![1]}`.length;
            ends[n] = end;
          }
          const h = new Harness(ObjectKeys.adopt(text, ends));
          for (const t of ["user", "doc", "team/member", "x"]) h.typeNames.push(t);
          for (const [n, [t, i]] of adopted.entries()) {
            h.model.set(`${t}\u0000${i}`, n);
            h.types.push(h.typeNames.indexOf(t));
          }
          h.ids.adopt(
            h.keys.length,
            h.typeNames.map((t) => t.length + 1),
          );
          expect(h.ids.size).toBe(adopted.length);
          // Lookups before the table is filled (scans), past the scans, then adds and lookups.
          for (let n = 0; n < lookupsFirst; n++) {
            const [t, i] = adopted[(n * 7) % adopted.length]!;
            expect(h.lookup(t, i)).toBe(h.model.get(`${t}\u0000${i}`));
            expect(h.lookup(t, `${i}?`)).toBe(h.model.get(`${t}\u0000${i}?`) ?? -1);
          }
          h.replay(later);
        },
      ),
      { numRuns: 300 },
    );
  });
});
