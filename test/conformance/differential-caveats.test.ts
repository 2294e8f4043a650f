import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { compileSchema } from "../../src/schema/schema.js";
import { randomCaveatedModel } from "../support/random-caveats.js";
import { startSpiceDB } from "../support/spicedb.js";
import { compareAnswersWithSpiceDB } from "./compare-answers.js";

/**
 * Random schemas and data with caveats and expiration (random-caveats.ts), answered by
 * Gatehouse and by SpiceDB, without context and with request contexts: every answer (has
 * permission, no permission, conditional with the same missing parameters) must agree, explain
 * must agree with check, and lookups with checks; and our lookups with context agree with
 * SpiceDB's LookupResources and LookupSubjects by meaning (compare-answers.ts says how SpiceDB's
 * lookups leave more answers conditional than its checks). A failure names the seed.
 */
describe("caveated differential against SpiceDB", () => {
  const seeds = Array.from({ length: 16 }, (_, i) => 1001 + i);
  // A seed takes about 6 s on an idle machine and over 60 s on one loaded tenfold: the limit is
  // for a hung SpiceDB, not a measure of speed.
  it.each(seeds)(
    "seed %i answers as SpiceDB does",
    async (seed) => {
      const model = randomCaveatedModel(seed);
      const engine = new Engine(compileSchema(model.schema));
      engine.tenant("default").apply(model.relationships, []);
      const spicedb = await startSpiceDB(model.schema, model.relationships);
      try {
        const comparison = await compareAnswersWithSpiceDB(engine, spicedb, model.queries);
        expect(comparison.mismatches.slice(0, 10), `seed ${seed}:\n${model.schema}`).toEqual([]);
        expect(comparison.spicedbErrors).toBe(0);
        expect(comparison.compared).toBeGreaterThan(0);
      } finally {
        spicedb.close();
      }
    },
    300_000,
  );
});
