import { Engine } from "../src/engine/engine.js";
import { compileSchema } from "../src/schema/schema.js";
import { Workload } from "./workload.js";

/**
 * The benchmark workload loaded straight into an engine's index (no store), in batches of
 * 100,000, then frozen as a load from the store leaves it, for the quick probes used while
 * tuning the engine (latency-probe, batch-probe).
 */
export function memoryIndex(scale: number): { workload: Workload; engine: Engine } {
  const workload = new Workload({ scale });
  const engine = new Engine(compileSchema(workload.schema));
  const index = engine.tenant("bench");
  const batch = [];
  for (const r of workload.relationships()) {
    batch.push(r);
    if (batch.length === 100_000) index.apply(batch.splice(0), []);
  }
  index.apply(batch, []);
  // As a load from the store's rows leaves it: in typed arrays (relation-edges.ts).
  index.data.freeze();
  return { workload, engine };
}
