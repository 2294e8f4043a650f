import { memoryIndex } from "./memory-index.js";
// `node dist-bench/bench/batch-probe.js [scale]`: batch throughput alone (as run.js measures it:
// passes over the same distinct queries in one synchronous loop), on an index built in memory,
// for quick comparisons while tuning the engine.
const scale = Number(process.argv[2] ?? "1");
const { workload, engine } = memoryIndex(scale);
const queries = workload.queries(200_000, 7);
for (const q of queries.slice(0, 100_000))
    engine.check("bench", q);
const passes = 5;
const started = performance.now();
let allowed = 0;
for (let p = 0; p < passes; p++)
    for (const q of queries)
        if (engine.check("bench", q))
            allowed++;
const seconds = (performance.now() - started) / 1000;
console.log(`scale ${scale}: ${passes * queries.length} checks in ${seconds.toFixed(2)} s = ${Math.round((passes * queries.length) / seconds).toLocaleString("en")}/s (${allowed} allowed)`);
//# sourceMappingURL=batch-probe.js.map