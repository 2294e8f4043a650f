import { startSpiceDB } from "../test/support/spicedb.js";
import { formatCheck } from "./workload.js";
/** Relationships handed to the harness per call (it writes them in calls of 1,000). */
const WRITE_BATCH = 50_000;
/** Bulk checks per progress line. */
const BULK_PROGRESS = 500;
const int = (n) => Math.round(n).toLocaleString("en-US");
async function load(workload, log) {
    const t0 = performance.now();
    // In this process: no IPC hop in the timings. The harness's time limits need a child process,
    // but the benchmark's data has no cycles, so no request can run away.
    const spicedb = await startSpiceDB(workload.schema, [], { inProcess: true });
    try {
        let written = 0;
        let lastLog = performance.now();
        let batch = [];
        const flush = async () => {
            await spicedb.write(batch);
            written += batch.length;
            batch = [];
            if (performance.now() - lastLog > 10_000) {
                log(`  SpiceDB: ${int(written)} of ${int(workload.size)} relationships written (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
                lastLog = performance.now();
            }
        };
        for (const r of workload.relationships()) {
            batch.push(r);
            if (batch.length === WRITE_BATCH)
                await flush();
        }
        if (batch.length > 0)
            await flush();
        return { spicedb, seconds: (performance.now() - t0) / 1000 };
    }
    catch (e) {
        spicedb.close();
        throw e;
    }
}
export async function timeSpiceDB(options) {
    const { workload, log } = options;
    const { spicedb, seconds: loadSeconds } = await load(workload, log);
    try {
        log(`  SpiceDB: loaded ${int(workload.size)} relationships in ${loadSeconds.toFixed(1)} s`);
        let t = performance.now();
        for (const q of options.warmup)
            await spicedb.check(q.resource, q.permission, q.subject);
        const warmupSeconds = (performance.now() - t) / 1000;
        log(`  SpiceDB: ${options.warmup.length} warm-up checks in ${warmupSeconds.toFixed(1)} s`);
        const sampleMicros = new Float64Array(options.sample.length);
        const answers = [];
        t = performance.now();
        for (let i = 0; i < options.sample.length; i++) {
            const q = options.sample[i];
            const start = process.hrtime.bigint();
            const result = await spicedb.check(q.resource, q.permission, q.subject);
            sampleMicros[i] = Number(process.hrtime.bigint() - start) / 1000;
            answers.push({ result, error: result === "error" ? spicedb.lastError : undefined });
            if ((i + 1) % 50 === 0) {
                const seconds = (performance.now() - t) / 1000;
                log(`  SpiceDB: ${i + 1} of ${options.sample.length} sample checks timed (${seconds.toFixed(0)} s)`);
            }
        }
        return {
            relationships: workload.size,
            loadSeconds,
            warmupSeconds,
            sampleMicros,
            disagreements: compare(options.sample, answers, options.ours),
        };
    }
    finally {
        spicedb.close();
    }
}
export async function agreeWithSpiceDB(options) {
    const { workload, queries, log } = options;
    const { spicedb } = await load(workload, log);
    try {
        const t = performance.now();
        const answers = [];
        for (let i = 0; i < queries.length; i += BULK_PROGRESS) {
            answers.push(...(await spicedb.checkManyDetailed(queries.slice(i, i + BULK_PROGRESS))));
            log(`  SpiceDB: ${int(answers.length)} of ${int(queries.length)} agreement checks answered (${((performance.now() - t) / 1000).toFixed(0)} s)`);
        }
        return {
            scale: workload.scale,
            relationships: workload.size,
            checked: queries.length,
            allowed: answers.filter((a) => a.result === true).length,
            seconds: (performance.now() - t) / 1000,
            disagreements: compare(queries, answers, options.ours),
        };
    }
    finally {
        spicedb.close();
    }
}
function compare(queries, answers, ours) {
    const out = [];
    queries.forEach((q, i) => {
        const theirs = answers[i];
        const mine = ours(q);
        if (theirs.result !== mine) {
            out.push({ query: formatCheck(q), gatehouse: mine, spicedb: theirs.result, error: theirs.error });
        }
    });
    return out;
}
//# sourceMappingURL=spicedb-side.js.map