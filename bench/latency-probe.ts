import { memoryIndex } from "./memory-index.js";

// `node dist-bench/bench/latency-probe.js [scale] [warm-up passes]`: check latency alone, on an
// index built in memory (no store), for quick comparisons while tuning the engine. As run.js
// does, the warm-up checks other queries than the timed ones (another seed), so caches kept
// between checks (a user's memberships) are warm only where real traffic would warm them.
const scale = Number(process.argv[2] ?? "1");
const { workload, engine } = memoryIndex(scale);
const queries = workload.queries(200_000, 99);
const warmup = workload.queries(50_000, 98);
const rounds = Number(process.argv[3] ?? "2");
for (let r = 0; r < rounds; r++) for (const q of warmup) engine.check("bench", q);
const times = new Float64Array(queries.length);
let allowed = 0;
for (let i = 0; i < queries.length; i++) {
  const q = queries[i]!;
  const t0 = process.hrtime.bigint();
  if (engine.check("bench", q)) allowed++;
  times[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
times.sort();
const at = (p: number) => times[Math.floor(times.length * p)]!.toFixed(2);
console.log(
  `scale ${scale}: ${queries.length} checks, ${allowed} allowed; p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs`,
);
