import { expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { compileSchema } from "../../src/schema/schema.js";
import { randomModel } from "../support/random-model.js";
import { startSpiceDB } from "../support/spicedb.js";
import { compareWithSpiceDB } from "./compare.js";

/**
 * Random schemas (unions, intersections, exclusions, arrows, `.all()`, nested groups, wildcards)
 * and random data, answered by Gatehouse and by SpiceDB: every check must agree, explain must
 * agree with check, and lookups and subject sets must agree with checks. A failure names the
 * seed, so `randomModel(seed)` reproduces it.
 */
export function differentialSeeds(seeds: readonly number[]): void {
  it.each(seeds)("seed %i answers as SpiceDB does", async (seed) => {
    const model = randomModel(seed);
    const engine = new Engine(compileSchema(model.schema));
    engine.tenant("default").apply(model.relationships, []);
    const spicedb = await startSpiceDB(model.schema, model.relationships);
    try {
      const comparison = await compareWithSpiceDB(engine, spicedb, model.queries);
      expect(comparison.mismatches.slice(0, 10), `seed ${seed}:\n${model.schema}`).toEqual([]);
      if (!model.cyclic) expect(comparison.spicedbErrors).toBe(0);
      expect(comparison.compared).toBeGreaterThan(0);
      if (process.env.CONFORMANCE_VERBOSE)
        console.log(
          `seed ${seed}: ${comparison.compared} compared, ${comparison.spicedbErrors} SpiceDB errors`,
        );
    } finally {
      spicedb.close();
    }
  });
}
