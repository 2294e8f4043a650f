import { memoryIndex } from "./memory-index.js";

// `node dist-bench/bench/write-mix.js [scale]`: check cost while relationships are written
// between checks (a folder#viewer added and removed every N checks), on an index built in
// memory. Kept caches (memberships, grant closures) must not turn a steady stream of writes into
// slow checks: compare the rows with "never".
const scale = Number(process.argv[2] ?? "1");
const { workload, engine } = memoryIndex(scale);
const queries = workload.queries(200_000, 99);
for (const q of workload.queries(50_000, 98)) engine.check("bench", q);
const index = engine.tenant("bench");
const written = {
  resource: { type: "folder", id: "f1" },
  relation: "viewer",
  subject: { type: "user", id: "u1" },
};
for (const every of [0, 10_000, 1_000, 100, 10]) {
  let n = 0;
  const started = process.hrtime.bigint();
  for (const q of queries) {
    if (every > 0 && ++n % every === 0) {
      index.apply([written], []);
      index.apply([], [written]);
    }
    engine.check("bench", q);
  }
  const micros = Number(process.hrtime.bigint() - started) / queries.length / 1000;
  console.log(`a folder#viewer write every ${every || "never"} checks: ${micros.toFixed(2)} µs a check`);
}
