import { Engine } from "../src/engine/engine.js";
import { compileSchema } from "../src/schema/schema.js";
import { Workload } from "./workload.js";

/**
 * The benchmark workload loaded straight into an engine's index (no store), in batches of
 * 100,000, then frozen into typed arrays (relation-edges.ts) as a serving process leaves it (its
 * first background snapshot freezes it) and a load from a snapshot does, for the quick probes
 * used while tuning the engine (latency-probe, batch-probe, first-touch-probe). `freeze: false`
 * keeps the lists a load from the store's rows builds.
 */
export function memoryIndex(
  scale: number,
  options: { readonly seed?: number; readonly freeze?: boolean } = {},
): { workload: Workload; engine: Engine } {
  const workload = new Workload({ scale, seed: options.seed });
  const engine = new Engine(compileSchema(workload.schema));
  const index = engine.tenant("bench");
  const batch = [];
  for (const r of workload.relationships()) {
    batch.push(r);
    if (batch.length === 100_000) index.apply(batch.splice(0), []);
  }
  index.apply(batch, []);
  if (options.freeze ?? true) index.data.freeze();
  return { workload, engine };
}
