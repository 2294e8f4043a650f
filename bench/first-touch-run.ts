import type { CheckRequest, Engine } from "../src/engine/engine.js";
import { memoryIndex } from "./memory-index.js";

/**
 * What the first-touch probes (first-touch-probe, -count, -phases) share: their arguments
 * `SCALE [frozen|lists] [QUERIES]`, the index built in memory, and the cost curve's queries
 * (QUERIES timed checks of seed + 2, default 20,000, after a quarter as many warm-up checks of
 * seed + 1). Only the index and the queries stay: the generator's model goes, as in the cost
 * curve's probe. Collects garbage twice before returning (run with `node --expose-gc`).
 */
export interface FirstTouchRun {
  readonly scale: number;
  readonly mode: "frozen" | "lists";
  readonly count: number;
  readonly engine: Engine;
  readonly relationships: number;
  readonly warmup: readonly CheckRequest[];
  readonly queries: readonly CheckRequest[];
}

const SEED = 20_240_601;

export function firstTouchRun(probe: string, argv: readonly string[]): FirstTouchRun {
  const scale = Number(argv[2] ?? "1");
  const mode = argv[3] ?? "frozen";
  const count = Number(argv[4] ?? "20000");
  if (!(scale > 0) || (mode !== "frozen" && mode !== "lists") || !(count > 0))
    throw new Error(`usage: ${probe} SCALE [frozen|lists] [QUERIES]`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  const { workload, engine } = memoryIndex(scale, { seed: SEED, freeze: mode === "frozen" });
  const run: FirstTouchRun = {
    scale,
    mode,
    count,
    engine,
    relationships: workload.size,
    warmup: workload.queries(Math.round(count / 4), SEED + 1),
    queries: workload.queries(count, SEED + 2),
  };
  gc();
  gc();
  return run;
}
