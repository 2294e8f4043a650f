/**
 * The cost of shadow evaluation on the check path: `Gatehouse.check` with no shadow session, and
 * with a session whose candidate schema changes one permission (`document#view`: direct viewers
 * of a document no longer count), on the benchmark workload (about one million relationships at
 * scale 1).
 *
 * Checks are made one at a time and the event loop turns after each, as in a server answering
 * requests: the second evaluation under the candidate is queued by the check and runs between
 * requests. So two figures: the latency a caller sees (p50 / p99 of each `check` call), and all
 * the work per check (the process's CPU time over the run, queued evaluations and the final
 * flush included, divided by its checks; CPU time rather than wall time, so that other load on
 * the machine does not count), which is what shadow costs a saturated node.
 *
 * Runs: the workload's mix (`view` four in five, `edit` one in five), the changed permission
 * alone, and the unchanged one alone; plain and shadowed runs alternate, in six rounds, and the
 * first round is only warm-up. The decision log is off in both, so that only shadow evaluation differs.
 *
 *   node dist-bench/bench/shadow.js [--scale N]
 */
import { parseChangeFile } from "../src/changes/change-file.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { Workload } from "./workload.js";
const SEED = 20_240_601;
const CHECKS = 20_000;
const WARMUP = 5_000;
const ROUNDS = 6;
const log = (line) => {
    process.stderr.write(`${line}\n`);
};
function percentile(sorted, q) {
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function summarize(nanos) {
    const sorted = Float64Array.from(nanos).sort();
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Checks one at a time through the library, letting the event loop turn after each. */
async function timeChecks(g, queries) {
    const nanos = new Array(queries.length);
    const begin = process.cpuUsage();
    for (let i = 0; i < queries.length; i++) {
        const start = process.hrtime.bigint();
        await g.check(DEFAULT_TENANT, queries[i]);
        nanos[i] = Number(process.hrtime.bigint() - start);
        await turn();
    }
    // Settles what is still queued (nothing without a session) and adds the counts to the store.
    await g.shadow.flush();
    const used = process.cpuUsage(begin);
    return { nanos, perCheck: ((used.user + used.system) * 1000) / queries.length };
}
const micros = (ns) => `${(ns / 1000).toFixed(1)} µs`;
async function main() {
    const scaleAt = process.argv.indexOf("--scale");
    const scale = scaleAt >= 0 ? Number(process.argv[scaleAt + 1]) : 1;
    const workload = new Workload({ scale, seed: SEED });
    log(`workload (scale ${scale}): ${workload.size.toLocaleString("en")} relationships; loading into an in-memory store …`);
    const g = await Gatehouse.open(":memory:", { decisionLog: { sample: "off" } });
    try {
        await g.writeSchema(workload.schema);
        await g.importRelationships(DEFAULT_TENANT, workload.tupleText());
        const candidate = workload.schema.replace("permission view = (edit + viewer + parent->view) - banned", "permission view = (edit + parent->view) - banned");
        if (candidate === workload.schema)
            throw new Error("the workload's schema no longer has the permission this bench changes");
        const indented = candidate.replace(/^/gm, "  ");
        const change = await g.changes.propose(parseChangeFile(`intent: model\nreason: bench\nschema: |\n${indented}\n`, "bench-change.yaml"), { tenant: DEFAULT_TENANT, actor: "bench" });
        const queries = workload.queries(CHECKS, SEED + 2);
        const warmup = workload.queries(WARMUP, SEED + 1);
        const kinds = {
            "mix (view 4 in 5, edit 1 in 5)": queries,
            "changed permission only (document#view)": queries.filter((q) => q.permission === "view"),
            "unchanged permission only (document#edit)": queries.filter((q) => q.permission === "edit"),
        };
        // Short runs, alternating, several rounds: the machine's noise hits both modes alike, and the
        // median round is reported for the work per check. Latencies pool every round but the first.
        const results = new Map();
        for (let round = 0; round < ROUNDS; round++) {
            for (const [name, list] of Object.entries(kinds)) {
                await timeChecks(g, warmup);
                const plain = await timeChecks(g, list);
                await g.shadow.start(change.id, { actor: "bench" });
                await timeChecks(g, warmup);
                const shadow = await timeChecks(g, list);
                await g.shadow.stop({ actor: "bench" });
                if (round === 0)
                    continue;
                let entry = results.get(name);
                if (!entry) {
                    entry = { plain: [], shadow: [] };
                    results.set(name, entry);
                }
                entry.plain.push(plain);
                entry.shadow.push(shadow);
            }
            log(`round ${round + 1} of ${ROUNDS} done`);
        }
        const stats = g.shadow.stats();
        log(`shadow saw ${stats.checks.toLocaleString("en")} checks, evaluated ${stats.evaluated.toLocaleString("en")} again ` +
            `(${stats.moved} not comparable); divergences: ${[...stats.divergences.values()].map((d) => `${d.direction} ${d.permission} ${d.count.toLocaleString("en")}`).join(", ")}`);
        const rows = [
            "| checks | count | latency plain p50 / p99 | latency shadowed p50 / p99 | latency ratio p50 / p99 | CPU per check plain / shadowed (ratio) |",
            "|---|---:|---:|---:|---:|---:|",
        ];
        const median = (values) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
        for (const [name, runs] of results) {
            const a = summarize(runs.plain.flatMap((r) => r.nanos));
            const b = summarize(runs.shadow.flatMap((r) => r.nanos));
            const workPlain = median(runs.plain.map((r) => r.perCheck));
            const workShadow = median(runs.shadow.map((r) => r.perCheck));
            rows.push(`| ${name} | ${kinds[name].length.toLocaleString("en")} × ${ROUNDS - 1} | ${micros(a.p50)} / ${micros(a.p99)} | ` +
                `${micros(b.p50)} / ${micros(b.p99)} | ${(b.p50 / a.p50).toFixed(2)}× / ${(b.p99 / a.p99).toFixed(2)}× | ` +
                `${micros(workPlain)} / ${micros(workShadow)} (${(workShadow / workPlain).toFixed(2)}×) |`);
        }
        log("");
        process.stdout.write(`Shadow evaluation, \`Gatehouse.check\` one at a time, the event loop turning after each, scale ${scale} ` +
            `(${workload.size.toLocaleString("en")} relationships); target: at most 1.5× a plain check\n\n${rows.join("\n")}\n`);
    }
    finally {
        await g.close();
    }
}
await main();
//# sourceMappingURL=shadow.js.map