import { firstTouchRun } from "./first-touch-run.js";

/**
 * First-touch and warm check latency alone, on an index built in memory (no store), with the
 * cost curve's queries (5,000 warm-up checks of seed + 1, then 20,000 timed checks of seed + 2,
 * twice: first touch, then with the caches they built):
 *
 *   node --expose-gc dist-bench/bench/first-touch-probe.js SCALE [frozen|lists] [QUERIES]
 *
 * `frozen` (default) freezes the index into typed arrays first, as a serving process (its first
 * background snapshot) and a load from a snapshot leave it; `lists` keeps the JavaScript lists a
 * load from rows builds (what the cost curve's library process measures). Prints one JSON line:
 * p50/p99 of both passes and the CPU time of each (process.cpuUsage), for comparing builds
 * alternately on a loaded machine.
 *
 * QUERIES (default 20,000) sets the timed checks, with a quarter as many warm-up ones. With the
 * default, the first pass touches a fixed number of documents, folders and users: a smaller share
 * of the data at a larger scale, so fewer of the grant closures and memberships it needs were
 * built by earlier checks, and it does more work per check (first-touch-count.ts counts it).
 * `QUERIES = 20000 * SCALE` keeps that share the same at every scale.
 */
const { scale, mode, count, engine, relationships, warmup, queries } = firstTouchRun(
  "first-touch-probe",
  process.argv,
);

for (const q of warmup) engine.check("bench", q);
const pass = (): { p50: number; p99: number; cpuMs: number; allowed: number } => {
  const times = new Float64Array(queries.length);
  let allowed = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < queries.length; i++) {
    const t = process.hrtime.bigint();
    if (engine.check("bench", queries[i]!)) allowed++;
    times[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const used = process.cpuUsage(cpu);
  times.sort();
  return {
    p50: times[Math.floor(times.length * 0.5)]!,
    p99: times[Math.floor(times.length * 0.99)]!,
    cpuMs: (used.user + used.system) / 1000,
    allowed,
  };
};
const first = pass();
const warm = pass();
console.log(JSON.stringify({ scale, mode, relationships, queries: count, first, warm }));
