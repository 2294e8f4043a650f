import { memoryIndex } from "./memory-index.js";
// `node dist-bench/bench/latency-probe.js [scale]`: check latency alone, on an index built in
// memory (no store), for quick comparisons while tuning the engine.
const scale = Number(process.argv[2] ?? "1");
const { workload, engine } = memoryIndex(scale);
const queries = workload.queries(100_000, 99);
const rounds = Number(process.argv[3] ?? "1");
for (let r = 1; r < rounds; r++)
    for (const q of queries)
        engine.check("bench", q);
for (const q of queries.slice(0, 20_000))
    engine.check("bench", q);
const times = [];
let allowed = 0;
for (const q of queries) {
    const t0 = process.hrtime.bigint();
    if (engine.check("bench", q))
        allowed++;
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
}
times.sort((a, b) => a - b);
const at = (p) => times[Math.floor(times.length * p)].toFixed(1);
console.log(`scale ${scale}: ${queries.length} checks, ${allowed} allowed; p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs`);
//# sourceMappingURL=latency-probe.js.map