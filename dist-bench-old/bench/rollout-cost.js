import { parseChangeFile } from "../src/changes/change-file.js";
import { formatRelationship } from "../src/model/relationship.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { Workload } from "./workload.js";
// `node dist-bench/bench/rollout-cost.js [scale]` (after `tsc -p tsconfig.bench.json`): the
// cost of a staged rollout on `Gatehouse.check`, the path every surface takes. Three runs of
// the same checks: no rollout; a rollout running for another tenant (the routing test only);
// the tenant rolled out (the candidate answers, the active schema is evaluated beside it for
// the monitor's baseline, and the monitor counts).
const scale = Number(process.argv[2] ?? "0.05");
const workload = new Workload({ scale });
const gatehouse = await Gatehouse.open(":memory:", { rolloutPollMs: 0 });
await gatehouse.writeSchema(workload.schema);
const lines = [];
for (const r of workload.relationships())
    lines.push(formatRelationship(r));
await gatehouse.importRelationships("bench", lines.join("\n"));
await gatehouse.importRelationships("other", lines.slice(0, 1000).join("\n"));
// The candidate drops the `banned` exclusion: a different schema of the same shape and cost.
const candidate = workload.schema.replace("permission view = (edit + viewer + parent->view) - banned", "permission view = edit + viewer + parent->view");
if (candidate === workload.schema)
    throw new Error("the workload schema changed: update the candidate");
const indented = candidate
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
const change = await gatehouse.changes.propose(parseChangeFile(`intent: model\nreason: bench\nschema: |\n${indented}\n`, "bench"), { tenant: "bench", actor: "bench" });
await gatehouse.changes.plan(change.id, { actor: "bench" });
const queries = workload.queries(100_000, 7);
async function measure(label) {
    for (const q of queries.slice(0, 20_000))
        await gatehouse.check("bench", q);
    const times = [];
    for (const q of queries) {
        const t0 = process.hrtime.bigint();
        await gatehouse.check("bench", q);
        times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const at = (p) => times[Math.floor(times.length * p)];
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(`${label.padEnd(44)} p50 ${at(0.5).toFixed(1)} µs  p99 ${at(0.99).toFixed(1)} µs  mean ${mean.toFixed(2)} µs`);
    return mean;
}
console.log(`scale ${scale}: ${lines.length} relationships, ${queries.length} timed checks through Gatehouse.check`);
const plain = await measure("no rollout");
await gatehouse.rollouts.start(change.id, { actor: "bench", tenants: ["other"] });
const routed = await measure("rollout running, tenant not rolled out");
await gatehouse.rollouts.promote({ actor: "bench", tenants: ["bench"] });
// The candidate denies less than the active schema, so the monitor counts but never trips.
const live = await measure("tenant rolled out (candidate + baseline)");
console.log(`ratios to no rollout: not rolled out ${(routed / plain).toFixed(2)}x, rolled out ${(live / plain).toFixed(2)}x`);
console.log(`checks answered by the candidate: ${gatehouse.rollouts.counters.candidateChecks}`);
await gatehouse.close();
//# sourceMappingURL=rollout-cost.js.map