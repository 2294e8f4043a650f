import { existsSync } from "node:fs";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { Workload } from "./workload.js";

// `node --expose-gc dist-bench/bench/check-probe.js FILE [--profile-batch]`: run.js's latency and
// batch steps alone, on the same data loaded from a SQLite store the way run.js loads it (an
// index built straight from the workload lays its strings out differently in memory and reads
// faster). The store is written once (scale 1, run.js's seed) when FILE does not exist.
const file = process.argv[2];
if (file === undefined) throw new Error("usage: check-probe FILE");
const SEED = 20_240_601;
const workload = new Workload({ scale: 1, seed: SEED });
if (!existsSync(file)) {
  const writer = await Gatehouse.open(file);
  await writer.writeSchema(workload.schema);
  await writer.importRelationships(DEFAULT_TENANT, workload.tupleText());
  await writer.close();
}
const warmup = workload.queries(50_000, SEED + 1);
const queries = workload.queries(200_000, SEED + 2);
const gatehouse = await Gatehouse.open(file);
await gatehouse.check(DEFAULT_TENANT, queries[0]!);
const engine = gatehouse.engine;
for (let pass = 0; pass < 2; pass++) for (const q of warmup) engine.check(DEFAULT_TENANT, q);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const times = new Float64Array(queries.length);
let allowed = 0;
for (let i = 0; i < queries.length; i++) {
  const q = queries[i]!;
  const t0 = process.hrtime.bigint();
  if (engine.check(DEFAULT_TENANT, q)) allowed++;
  times[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
times.sort();
const at = (p: number) => times[Math.floor(times.length * p)]!.toFixed(2);
gc?.();
const started = performance.now();
for (let p = 0; p < 5; p++) for (const q of queries) engine.check(DEFAULT_TENANT, q);
const perSecond = (5 * queries.length) / ((performance.now() - started) / 1000);
gc?.();
gc?.();
const kept = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(
  `heap after the checks: ${kept.toFixed(1)} MiB; ${allowed} of ${queries.length} allowed; p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs; batch ${Math.round(perSecond).toLocaleString("en")}/s`,
);
await gatehouse.close();
