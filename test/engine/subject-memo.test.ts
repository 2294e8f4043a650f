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
        if (i % 5 === 4) {
          const r = model.relationships[prng.int(0, model.relationships.length - 1)]!;
          const key = formatRelationship(r);
          if (live.delete(key)) engine.tenant("t").apply([], [r]);
          else {
            live.set(key, r);
            engine.tenant("t").apply([r], []);
          }
        }
        const name = `${q.resource.type}:${q.resource.id}#${q.permission}@${subjectKey(q)}`;
        expect(engine.check("t", q), name).toBe(freshAnswer(schema, live.values(), q));
      }
    });
  }
});
