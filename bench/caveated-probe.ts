import { Engine } from "../src/engine/engine.js";
import type { Relationship } from "../src/model/relationship.js";
import { compileSchema } from "../src/schema/schema.js";
import { Workload } from "./workload.js";

// `node dist-bench/bench/caveated-probe.js [scale] [share]`: check latency on the benchmark
// workload with a share (default 1%) of the document viewer relationships of users made
// caveated or expiring (half each; expirations in the future, so they still grant), next to the
// same workload without them, both built in memory (no store). A tenant whose index holds one
// caveated or expiring relationship answers every check with the three-valued walk, so this is
// the cost of caveats to a tenant that uses them.
const scale = Number(process.argv[2] ?? "0.1");
const share = Number(process.argv[3] ?? "0.01");
const workload = new Workload({ scale });
const schema = workload.schema
  .replace(
    "definition document {\n",
    "definition document {\n  relation caveated_viewer: user with on_level | user with expiration\n",
  )
  .replace(
    "permission view = (edit + viewer + parent->view) - banned",
    "permission view = (edit + viewer + caveated_viewer + parent->view) - banned",
  );
const caveated = `use expiration\n\ncaveat on_level(level int) {\n  level > 2\n}\n\n${schema}`;

function build(text: string, mark: boolean): Engine {
  const engine = new Engine(compileSchema(text));
  const index = engine.tenant("bench");
  const batch: Relationship[] = [];
  let n = 0;
  for (const r of workload.relationships()) {
    let row: Relationship = r;
    if (
      mark &&
      r.resource.type === "document" &&
      r.relation === "viewer" &&
      r.subject.relation === undefined &&
      r.subject.id !== "*"
    ) {
      n++;
      if ((n * share) % 1 < share)
        row =
          n % 2 === 0
            ? { ...r, relation: "caveated_viewer", caveat: { name: "on_level" } }
            : { ...r, relation: "caveated_viewer", expiresAt: "2300-01-01T00:00:00Z" };
    }
    batch.push(row);
    if (batch.length === 100_000) index.apply(batch.splice(0), []);
  }
  index.apply(batch, []);
  return engine;
}

function measure(label: string, engine: Engine): void {
  const queries = workload.queries(100_000, 99);
  const warmup = workload.queries(20_000, 98);
  for (const q of warmup) engine.checkAnswer("bench", { ...q, context: { level: 3 } });
  const times = new Float64Array(queries.length);
  let granted = 0;
  for (let i = 0; i < queries.length; i++) {
    const q = { ...queries[i]!, context: { level: 3 } };
    const t0 = process.hrtime.bigint();
    if (engine.checkAnswer("bench", q).permissionship === "has_permission") granted++;
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  times.sort();
  const at = (p: number) => times[Math.floor(times.length * p)]!.toFixed(2);
  console.log(
    `${label}: ${queries.length} checks with context, ${granted} granted; p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs`,
  );
}

measure(`scale ${scale}, plain`, build(caveated, false));
measure(`scale ${scale}, ${share * 100}% of user viewer grants caveated or expiring`, build(caveated, true));
