import type { CheckRequest, Engine } from "../src/engine/engine.js";
import { memoryIndex } from "./memory-index.js";

/**
 * Is a first-touch check at 10M slower because the product's structures grow, or because the
 * memory it touches no longer fits the caches? This probe keeps every structure at one scale and
 * multiplies only the memory: COPIES independent indexes of the same workload in one process,
 * each with its own grant closures and memberships, and the timed checks dealt round-robin to
 * them (check i asks copy i mod COPIES; every copy gets the queries a single index would get, in
 * the same order). With `idle`, the copies are built but only the first one is asked: the same
 * heap, the same garbage collector, the touched memory of one index.
 *
 *   node --expose-gc dist-bench/bench/first-touch-copies.js COPIES [SCALE] [QUERIES] [idle]
 *
 * QUERIES (default 20,000) timed checks per copy asked, after a quarter as many warm-up checks a
 * copy (seeds as in first-touch-run.ts). Prints one JSON line: the first pass's and the warm
 * pass's p50 and p99 (µs), and the CPU time of each.
 */
const copies = Number(process.argv[2] ?? "10");
const scale = Number(process.argv[3] ?? "1");
const count = Number(process.argv[4] ?? "20000");
const idle = process.argv[5] === "idle";
if (!(copies >= 1) || !(scale > 0) || !(count > 0))
  throw new Error("usage: first-touch-copies COPIES [SCALE] [QUERIES] [idle]");
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const SEED = 20_240_601;
const engines: Engine[] = [];
let warmup: readonly CheckRequest[] = [];
let queries: readonly CheckRequest[] = [];
let relationships = 0;
for (let c = 0; c < copies; c++) {
  const { workload, engine } = memoryIndex(scale, { seed: SEED, freeze: true });
  engines.push(engine);
  if (c === 0) {
    relationships = workload.size;
    warmup = workload.queries(Math.round(count / 4), SEED + 1);
    queries = workload.queries(count, SEED + 2);
  }
}
gc();
gc();

const asked = idle ? 1 : copies;
for (let c = 0; c < asked; c++) for (const q of warmup) engines[c]!.check("bench", q);
const pass = (): { p50: number; p99: number; cpuMs: number; allowed: number } => {
  const total = queries.length * asked;
  const times = new Float64Array(total);
  let allowed = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < total; i++) {
    const engine = engines[i % asked]!;
    const q = queries[Math.floor(i / asked)]!;
    const t = process.hrtime.bigint();
    if (engine.check("bench", q)) allowed++;
    times[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const used = process.cpuUsage(cpu);
  times.sort();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: round(times[Math.floor(total * 0.5)]!),
    p99: round(times[Math.floor(total * 0.99)]!),
    cpuMs: Math.round((used.user + used.system) / 1000),
    allowed,
  };
};
const first = pass();
const warm = pass();
console.log(
  JSON.stringify({ copies, idle, scale, relationships: relationships * copies, queries: count, first, warm }),
);
