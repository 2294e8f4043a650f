import { Engine } from "../src/engine/engine.js";
import { Workload } from "./workload.js";
/**
 * The benchmark workload loaded straight into an engine's index (no store), in batches of
 * 100,000, for the quick probes used while tuning the engine (latency-probe, batch-probe).
 */
export declare function memoryIndex(scale: number): {
    workload: Workload;
    engine: Engine;
};
