import { describe, expect, it } from "vitest";
import { Rng } from "../../bench/workload.js";
import { DataIndex } from "../../src/engine/data-index.js";
import { edgeKey, parentKey } from "../../src/engine/encodings.js";
import { Engine } from "../../src/engine/engine.js";
import { decodeSnapshot, encodeSnapshot } from "../../src/engine/index-snapshot.js";
import type { Relationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { type RandomModel, randomModel } from "../support/random-model.js";

/**
 * A frozen index (typed arrays plus an overlay, relation-edges.ts) holds exactly what the same
 * index never frozen holds: every entry, list kind and order, after writes that go to the overlay,
 * reads that fill it and let it go, and writes enough to fold it back into new frozen arrays.
 * Sizes are above the overlay's limits (4,096 objects, or an eighth of the frozen ones) so that
 * both happen several times.
 */

const DOCS = 6000;
const GROUPS = 300;
const USERS = 2000;

function randomRelationship(rng: Rng): Relationship {
  const pick = rng.int(10);
  if (pick < 6) {
    const subject =
      rng.int(4) === 0
        ? { type: "group", id: `g${rng.int(GROUPS)}`, relation: "member" }
        : { type: "user", id: rng.int(50) === 0 ? "*" : `u${rng.int(USERS)}` };
    return {
      resource: { type: "doc", id: `d${rng.int(DOCS)}` },
      relation: rng.pick(["viewer", "editor"]),
      subject,
    };
  }
  if (pick < 8)
    return {
      resource: { type: "doc", id: `d${rng.int(DOCS)}` },
      relation: "parent",
      subject: { type: "folder", id: `f${rng.int(200)}` },
    };
  // Big groups: lists past the Set threshold.
  const subject =
    rng.int(5) === 0
      ? { type: "group", id: `g${rng.int(GROUPS)}`, relation: rng.pick(["member", "manager"]) }
      : { type: "user", id: `u${rng.int(USERS)}` };
  return { resource: { type: "group", id: `g${rng.int(20)}` }, relation: "member", subject };
}

/** Everything an index holds, read through the index's own readers, exactly (kinds, orders). */
function contents(data: DataIndex): unknown[] {
  const out: unknown[] = [data.size];
  const listed = (list: unknown) => (list instanceof Set ? { set: [...list] } : list);
  for (let object = 0; object < data.objectKeys.length; object++) {
    const entry = data.edges.entry(object);
    out.push(entry === undefined ? null : entry.map(listed));
    out.push(listed(data.reverse.get(object)), data.reverse.has(object));
    for (let relation = 0; relation < data.relationNames.length; relation++)
      for (let slot = 0; slot < data.relationNames.length; slot++) {
        const parents = data.usersetParents.get(parentKey(edgeKey(object, relation), slot));
        if (parents !== undefined) out.push([object, relation, slot, listed(parents)]);
      }
  }
  return out;
}

describe("frozen edges", () => {
  it("hold what the index held before freezing, through overlay writes, reads and folds", () => {
    const rng = new Rng(7);
    const plain = new DataIndex();
    const frozen = new DataIndex();
    // Present relationships, by key and in an array (removal picks at random and swaps the last in).
    const present = new Map<string, number>();
    const list: Relationship[] = [];
    const keyOf = (r: Relationship) =>
      `${r.resource.type}:${r.resource.id}#${r.relation}@${r.subject.type}:${r.subject.id}#${r.subject.relation ?? ""}`;
    const write = (count: number, removeShare: number) => {
      for (let i = 0; i < count; i++) {
        if (list.length > 0 && rng.next() < removeShare) {
          const at = rng.int(list.length);
          const r = list[at]!;
          const last = list.pop()!;
          if (at < list.length) {
            list[at] = last;
            present.set(keyOf(last), at);
          }
          present.delete(keyOf(r));
          plain.remove(r);
          frozen.remove(r);
        } else {
          const r = randomRelationship(rng);
          if (present.has(keyOf(r))) continue;
          present.set(keyOf(r), list.length);
          list.push(r);
          plain.add(r);
          frozen.add(r);
        }
      }
    };
    write(30_000, 0);
    frozen.freeze();
    expect(contents(frozen)).toEqual(contents(plain));
    // Reads of every object (past the overlay's limit, so it lets entries go), then writes to
    // a few objects, then enough to fold the overlay in, twice; then removals past the Set
    // threshold (Sets that shrink stay Sets).
    for (const [count, removeShare] of [
      [200, 0.5],
      [9000, 0.3],
      [12_000, 0.6],
      [8000, 0.9],
    ] as const) {
      write(count, removeShare);
      expect(contents(frozen)).toEqual(contents(plain));
    }
    for (const r of list) expect(frozen.has(r)).toBe(true);
    frozen.freeze();
    expect(contents(frozen)).toEqual(contents(plain));
    // And a snapshot of the frozen index reads back the same.
    const restored = decodeSnapshot(encodeSnapshot(frozen, 1), 0).data;
    expect(contents(restored)).toEqual(contents(plain));
    expect(restored.parts().edges).toEqual(plain.parts().edges);
  });

  it("freeze an empty index, and take writes after", () => {
    const data = new DataIndex();
    data.freeze();
    expect(data.edges.entry(0)).toBeUndefined();
    const r: Relationship = {
      resource: { type: "doc", id: "d1" },
      relation: "viewer",
      subject: { type: "user", id: "u1" },
    };
    data.add(r);
    expect(data.has(r)).toBe(true);
    data.freeze();
    expect(data.has(r)).toBe(true);
    data.remove(r);
    expect(data.has(r)).toBe(false);
    expect(data.reverse.has(data.objectId("user:u1")!)).toBe(false);
    data.freeze();
    expect(data.has(r)).toBe(false);
    expect(data.size).toBe(0);
  });
});

/** Every answer the engine gives on a random model's queries: checks and both lookups. */
function engineAnswers(engine: Engine, model: RandomModel): string[] {
  const out: string[] = [];
  const attempt = (f: () => unknown) => {
    try {
      out.push(JSON.stringify(f()));
    } catch (error) {
      out.push(`error: ${(error as Error).message}`);
    }
  };
  for (const q of model.queries) {
    attempt(() => engine.checkAnswer("t", q));
    attempt(() => engine.lookupResources("t", q.resource.type, q.permission, q.subject));
    attempt(() => engine.lookupSubjects("t", q.resource, q.permission, q.subject.type, q.subject.relation));
  }
  return out;
}

describe("a frozen index answers as the index it was frozen from", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    "random model, seed %i, across writes and refreezes",
    (seed) => {
      const model = randomModel(seed);
      const plain = new Engine(compileSchema(model.schema));
      const frozen = new Engine(compileSchema(model.schema));
      plain.tenant("t").apply(model.relationships, []);
      frozen.tenant("t").apply(model.relationships, []);
      frozen.tenant("t").data.freeze();
      expect(engineAnswers(frozen, model)).toEqual(engineAnswers(plain, model));
      // Writes after the freeze land in the overlay: a third taken out, then half of those back.
      const taken = model.relationships.filter((_, i) => i % 3 === 0);
      const back = taken.filter((_, i) => i % 2 === 0);
      for (const engine of [plain, frozen]) engine.tenant("t").apply([], taken);
      expect(engineAnswers(frozen, model)).toEqual(engineAnswers(plain, model));
      for (const engine of [plain, frozen]) engine.tenant("t").apply(back, []);
      expect(engineAnswers(frozen, model)).toEqual(engineAnswers(plain, model));
      frozen.tenant("t").data.freeze();
      expect(engineAnswers(frozen, model)).toEqual(engineAnswers(plain, model));
    },
  );
});
