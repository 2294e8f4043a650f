import { Engine } from "../src/engine/engine.js";
import { compileSchema } from "../src/schema/schema.js";
import { Workload } from "./workload.js";
/**
 * The benchmark workload loaded straight into an engine's index (no store), in batches of
 * 100,000, for the quick probes used while tuning the engine (latency-probe, batch-probe).
 */
export function memoryIndex(scale) {
    const workload = new Workload({ scale });
    const engine = new Engine(compileSchema(workload.schema));
    const index = engine.tenant("bench");
    const batch = [];
    for (const r of workload.relationships()) {
        batch.push(r);
        if (batch.length === 100_000)
            index.apply(batch.splice(0), []);
    }
    index.apply(batch, []);
    return { workload, engine };
}
//# sourceMappingURL=memory-index.js.map