import { describe, expect, it } from "vitest";
import { type CheckRequest, Engine } from "../../src/engine/engine.js";
import { formatRelationship, type Relationship } from "../../src/model/relationship.js";
import type { CompiledSchema } from "../../src/schema/compiled.js";
import { compileSchema } from "../../src/schema/schema.js";
import { Prng, randomModel } from "../support/random-model.js";

/**
 * The evaluator keeps what it learned for one subject (its group memberships and every answered
 * step) across consecutive checks while the data stays the same. These tests order checks
 * subject by subject, the order that reuses the most, change the data between checks of one
 * subject, and compare every answer with a fresh engine that has never answered anything.
 */
function freshAnswer(schema: CompiledSchema, data: Iterable<Relationship>, q: CheckRequest): boolean {
  const engine = new Engine(schema);
  engine.tenant("t").apply([...data], []);
  return engine.check("t", q);
}

/** Takes a random relationship out of the live data, or puts it back. */
function flipOne(
  engine: Engine,
  all: readonly Relationship[],
  live: Map<string, Relationship>,
  prng: Prng,
): void {
  const r = all[prng.int(0, all.length - 1)]!;
  const key = formatRelationship(r);
  if (live.delete(key)) engine.tenant("t").apply([], [r]);
  else {
    live.set(key, r);
    engine.tenant("t").apply([r], []);
  }
}

const subjectKey = (q: CheckRequest) => `${q.subject.type}:${q.subject.id}#${q.subject.relation ?? ""}`;

describe("answers remembered per subject", () => {
  for (const seed of [3, 11, 29, 47, 83, 101, 131, 167]) {
    it(`equal fresh answers, subject by subject, across data changes (seed ${seed})`, () => {
      const model = randomModel(seed, { maxRelationships: 80, cyclic: false });
      const schema = compileSchema(model.schema);
      const engine = new Engine(schema);
      const live = new Map(model.relationships.map((r) => [formatRelationship(r), r]));
      engine.tenant("t").apply([...live.values()], []);
      const prng = new Prng(seed);
      const bySubject = [...model.queries].sort((a, b) => subjectKey(a).localeCompare(subjectKey(b)));
      for (const [i, q] of bySubject.slice(0, 3000).entries()) {
        // Every few checks a relationship disappears or comes back, between two checks of one subject.
        if (i % 5 === 4) flipOne(engine, model.relationships, live, prng);
        const name = `${q.resource.type}:${q.resource.id}#${q.permission}@${subjectKey(q)}`;
        expect(engine.check("t", q), name).toBe(freshAnswer(schema, live.values(), q));
      }
    });
  }
});

describe("memberships kept between checks of different subjects", () => {
  // The evaluator keeps each subject's group memberships while no relationship of a membership
  // relation moves; checks that come back to a subject after others must still see every change.
  for (const seed of [5, 17, 37, 59, 97, 149]) {
    it(`equal fresh answers in a shuffled order across data changes (seed ${seed})`, () => {
      const model = randomModel(seed, { maxRelationships: 80, cyclic: seed % 2 === 0 });
      const schema = compileSchema(model.schema);
      const engine = new Engine(schema);
      const live = new Map(model.relationships.map((r) => [formatRelationship(r), r]));
      engine.tenant("t").apply([...live.values()], []);
      const prng = new Prng(seed);
      const queries = model.queries.slice();
      for (let i = queries.length - 1; i > 0; i--) {
        const j = prng.int(0, i);
        [queries[i], queries[j]] = [queries[j]!, queries[i]!];
      }
      for (const [i, q] of queries.slice(0, 2000).entries()) {
        if (i % 7 === 6) flipOne(engine, model.relationships, live, prng);
        const name = `${q.resource.type}:${q.resource.id}#${q.permission}@${subjectKey(q)}`;
        expect(engine.check("t", q), name).toBe(freshAnswer(schema, live.values(), q));
      }
    });
  }
});
