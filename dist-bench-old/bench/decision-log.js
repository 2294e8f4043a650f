/**
 * The cost of the decision log on the check path: `Gatehouse.check` with the log off, and with it
 * recording every check (sample 1) into a SQLite file, on the benchmark workload (about one
 * million relationships at scale 1). Target (issue 5): at most 10 percent of check throughput.
 *
 * Checks are made one at a time and the event loop turns after each, as in a server answering
 * requests, so the log's timer writes its batches in between, in the same process. The figure is
 * all the work per check: the process's CPU time over the run, the final flush into the store
 * included, divided by its checks (CPU time rather than wall time, so that other load on the
 * machine does not count). Throughput is its inverse, so the throughput lost is
 * `1 - off / on`. Caller latency (p50 / p99 of each call) is shown beside it.
 *
 * Runs without and with the log alternate, in eight rounds; the first round is only warm-up. The
 * cost is the median over rounds of each round's ratio (a round's two runs are seconds apart, so
 * the machine's other load hits both alike), beside the median CPU per check of each mode.
 *
 *   node dist-bench/bench/decision-log.js [--scale N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { DecisionLog } from "../src/service/decision-log.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { Workload } from "./workload.js";
const SEED = 20_240_601;
const CHECKS = 100_000;
const WARMUP = 5_000;
const ROUNDS = 8;
const log = (line) => {
    process.stderr.write(`${line}\n`);
};
const turn = () => new Promise((resolve) => setImmediate(resolve));
async function timeChecks(g, queries, decisionLog) {
    const nanos = new Float64Array(queries.length);
    const begin = process.cpuUsage();
    for (let i = 0; i < queries.length; i++) {
        const start = process.hrtime.bigint();
        await g.check(DEFAULT_TENANT, queries[i]);
        nanos[i] = Number(process.hrtime.bigint() - start);
        await turn();
    }
    // What is still buffered is written on this run's account.
    await decisionLog?.flush();
    const used = process.cpuUsage(begin);
    return { nanos, perCheck: ((used.user + used.system) * 1000) / queries.length };
}
function percentile(nanos, q) {
    const all = new Float64Array(nanos.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of nanos) {
        all.set(a, at);
        at += a.length;
    }
    all.sort();
    return all[Math.min(all.length - 1, Math.floor(q * all.length))];
}
const micros = (ns) => `${(ns / 1000).toFixed(2)} µs`;
const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
async function main() {
    const scaleAt = process.argv.indexOf("--scale");
    const scale = scaleAt >= 0 ? Number(process.argv[scaleAt + 1]) : 1;
    const workload = new Workload({ scale, seed: SEED });
    const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-decision-bench-"));
    log(`workload (scale ${scale}): ${workload.size.toLocaleString("en")} relationships; loading into ${dir} …`);
    // The log is attached by hand below, so that one process and one index serve both modes.
    const g = await Gatehouse.open(path.join(dir, "bench.db"), { decisionLog: { sample: "off" } });
    try {
        await g.writeSchema(workload.schema);
        await g.importRelationships(DEFAULT_TENANT, workload.tupleText());
        const queries = workload.queries(CHECKS, SEED + 2);
        const warmup = workload.queries(WARMUP, SEED + 1);
        const off = [];
        const on = [];
        let recorded = 0;
        let dropped = 0;
        for (let round = 0; round < ROUNDS; round++) {
            await timeChecks(g, warmup, undefined);
            const plain = await timeChecks(g, queries, undefined);
            const decisionLog = new DecisionLog(g.store, { sample: 1 });
            const detach = g.addCheckObserver(decisionLog);
            await timeChecks(g, warmup, decisionLog);
            const logged = await timeChecks(g, queries, decisionLog);
            detach();
            await decisionLog.close();
            const stats = decisionLog.stats();
            if (round > 0) {
                off.push(plain);
                on.push(logged);
                recorded += stats.recorded;
                dropped += stats.dropped + stats.failed;
            }
            log(`round ${round + 1} of ${ROUNDS} done`);
        }
        const workOff = median(off.map((r) => r.perCheck));
        const workOn = median(on.map((r) => r.perCheck));
        const ratios = on.map((r, i) => r.perCheck / off[i].perCheck);
        const ratio = median(ratios);
        const lost = 1 - 1 / ratio;
        const offLatency = off.map((r) => r.nanos);
        const onLatency = on.map((r) => r.nanos);
        const rows = [
            "| | log off | log on (sample 1) | |",
            "|---|---:|---:|---:|",
            `| CPU per check (median of ${ROUNDS - 1} rounds of ${CHECKS.toLocaleString("en")}) | ${micros(workOff)} | ${micros(workOn)} | ${ratio.toFixed(3)}× (median of per-round ratios; ${Math.min(...ratios).toFixed(3)} to ${Math.max(...ratios).toFixed(3)}) |`,
            `| checks per CPU second | ${Math.round(1e9 / workOff).toLocaleString("en")} | ${Math.round(1e9 / workOn).toLocaleString("en")} | ${(lost * 100).toFixed(1)}% lost (target ≤ 10%: ${lost <= 0.1 ? "PASS" : "MISS"}) |`,
            `| caller latency p50 / p99 | ${micros(percentile(offLatency, 0.5))} / ${micros(percentile(offLatency, 0.99))} | ${micros(percentile(onLatency, 0.5))} / ${micros(percentile(onLatency, 0.99))} | |`,
            `| checks recorded / dropped or failed | | ${recorded.toLocaleString("en")} / ${dropped.toLocaleString("en")} | |`,
        ];
        process.stdout.write(`Decision log, \`Gatehouse.check\` one at a time, the event loop turning after each, SQLite file store, scale ${scale} ` +
            `(${workload.size.toLocaleString("en")} relationships)\n\n${rows.join("\n")}\n`);
    }
    finally {
        await g.close();
        rmSync(dir, { recursive: true, force: true });
    }
}
await main();
//# sourceMappingURL=decision-log.js.map