import { Engine } from "../src/engine/engine.js";
import type { Relationship } from "../src/model/relationship.js";
import { compileSchema } from "../src/schema/schema.js";
import { Workload } from "./workload.js";

/**
 * `node --expose-gc dist-bench/bench/smi-probe.js SCALE FILLERS first|last`: loads the workload
 * into an in-memory index with FILLERS other objects interned before it (`first`) or after it
 * (`last`), then removed, and reports the workload's load time and the heap the index keeps (the fillers'
 * names included, the same in both orders). With
 * enough fillers first, the workload's objects get numbers past 2^31 / 4096 = 524,288, where
 * the index's edge keys (`object * 4096 + relation`) no longer fit a small integer and V8 boxes
 * them: the 10M workload has 3.8M objects, the 1M one 0.38M.
 *
 * Measured 2026-12-04 (scale 0.5, 600,000 fillers, load average ~18): `last` 7.7 s and 186 B of
 * heap per relationship, `first` 17.0 s and 210 B; under --cpu-prof, garbage collection 7.4 s →
 * 11.2 s and DataIndex.add (with what it inlines) 1.1 s → 4.3 s. The same data, the same number
 * of objects: only their numbers differ.
 */
const scale = Number(process.argv[2] ?? "1");
const fillers = Number(process.argv[3] ?? "600000");
const order = process.argv[4] ?? "first";
const gc = (globalThis as { gc?: () => void }).gc!;
const workload = new Workload({ scale });
const engine = new Engine(compileSchema(workload.schema));
const index = engine.tenant("bench");
const filler: Relationship[] = [];
for (let i = 0; i < fillers; i++)
  filler.push({
    resource: { type: "folder", id: `x${i}` },
    relation: "owner",
    subject: { type: "user", id: "u0" },
  });
gc();
const before = process.memoryUsage().heapUsed;
if (order === "first") {
  index.apply(filler, []);
  index.apply([], filler);
}
const started = performance.now();
const batch: Relationship[] = [];
for (const r of workload.relationships()) {
  batch.push(r);
  if (batch.length === 100_000) index.apply(batch.splice(0), []);
}
index.apply(batch, []);
const ms = performance.now() - started;
if (order === "last") {
  index.apply(filler, []);
  index.apply([], filler);
}
gc();
gc();
const kept = process.memoryUsage().heapUsed - before;
console.log(
  JSON.stringify({
    scale,
    fillers,
    order,
    relationships: workload.size,
    loadMs: Math.round(ms),
    heapPerRelationship: Math.round(kept / workload.size),
  }),
);
