import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { formatObject, formatSubject } from "../src/model/relationship.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { createToken } from "../src/service/tokens.js";
import { Workload } from "./workload.js";
/**
 * HTTP load on loopback: a real `gatehouse serve` over the benchmark workload in a SQLite store,
 * driven by autocannon from this process (server and load share the machine's 2 cores), with
 * single checks and with batches of 100. The server runs with `--workers 2` (one process a core,
 * as one would deploy it here) and, for comparison, with one process. Target: at least 15,000
 * single checks per second with p99 under 10 ms.
 *
 *   node dist-bench/bench/http-load.js [scale] [seconds]
 */
const scale = Number(process.argv[2] ?? "1");
const seconds = Number(process.argv[3] ?? "15");
const CLI = join(import.meta.dirname, "../src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "gatehouse-http-bench-"));
const store = join(dir, "bench.db");
try {
    const workload = new Workload({ scale });
    const setup = await Gatehouse.open(store);
    await setup.writeSchema(workload.schema);
    await setup.importRelationships(DEFAULT_TENANT, workload.tupleText());
    const { secret } = await createToken(setup.store, {
        name: "bench",
        role: "check",
        tenants: null,
        actor: "bench",
    });
    await setup.close();
    const queries = workload.queries(50_000, 4242).map((q) => ({
        resource: formatObject(q.resource),
        permission: q.permission,
        subject: formatSubject(q.subject),
    }));
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    /** Starts `gatehouse serve --workers N` and loads the tenant's index in every worker. */
    const startServer = async (workers) => {
        // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
        const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
        const server = spawn(process.execPath, [...nodeArgs, CLI, "--store", store, "serve", "--port", "0", "--workers", String(workers)], { env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        server.stderr.on("data", (chunk) => {
            stderr += chunk.toString();
        });
        let url;
        for (let i = 0; i < 600 && !url; i++) {
            url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
            if (!url)
                await new Promise((resolve) => setTimeout(resolve, 100));
        }
        if (!url)
            throw new Error(`server did not start: ${stderr}`);
        // A worker loads the tenant's index on its first request; new connections go to the workers
        // in turn, so a few at once reach every worker.
        for (let round = 0; round < 2; round++)
            await Promise.all(Array.from({ length: 4 * workers }, () => fetch(`${url}/v1/tenants/${DEFAULT_TENANT}/check`, {
                method: "POST",
                headers: { ...headers, connection: "close" },
                body: JSON.stringify(queries[0]),
            }).then((r) => r.text())));
        const stop = async () => {
            server.kill("SIGTERM");
            await once(server, "exit");
        };
        return { url, stop };
    };
    let next = 0;
    const run = (url, path, body, connections) => autocannon({
        url: `${url}${path}`,
        connections,
        duration: seconds,
        requests: [{ method: "POST", headers, setupRequest: (request) => ({ ...request, body: body() }) }],
    });
    /**
     * Single checks: each connection gets its own list of prepared requests (a different stretch
     * of the queries), so the load generator only writes ready bytes and leaves the CPU to the
     * server, and no two connections send the same checks in step.
     */
    const connections = 32;
    const perConnection = Math.floor(queries.length / connections);
    let client = 0;
    const singleChecks = async (workers) => {
        const server = await startServer(workers);
        const result = await autocannon({
            url: `${server.url}/v1/tenants/${DEFAULT_TENANT}/check`,
            connections,
            duration: seconds,
            setupClient: (c) => {
                const first = (client++ % connections) * perConnection;
                c.setRequests(queries
                    .slice(first, first + perConnection)
                    .map((q) => ({ method: "POST", headers, body: JSON.stringify(q) })));
            },
        });
        return { server, result };
    };
    const one = await singleChecks(1);
    await one.server.stop();
    const two = await singleChecks(2);
    const batch = await run(two.server.url, `/v1/tenants/${DEFAULT_TENANT}/checks`, () => {
        next += 100;
        const start = next % (queries.length - 100);
        return JSON.stringify({ checks: queries.slice(start, start + 100) });
    }, 8);
    await two.server.stop();
    const line = (name, r, perRequest) => `${name}: ${Math.round(r.requests.average * perRequest).toLocaleString("en")} checks/s (${Math.round(r.requests.average).toLocaleString("en")} requests/s), latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`;
    console.log(`HTTP on loopback, scale ${scale} (${workload.size.toLocaleString("en")} relationships), ${seconds} s each, autocannon in the same machine:`);
    const verdict = (r) => r.requests.average >= 15_000 && r.latency.p99 < 10 ? "PASS" : "MISS";
    console.log(`- ${line(`single checks, --workers 2, ${connections} connections`, two.result, 1)} — target ≥ 15,000/s with p99 < 10 ms: ${verdict(two.result)}`);
    console.log(`- ${line(`single checks, --workers 1, ${connections} connections`, one.result, 1)} (one server process: ${verdict(one.result)})`);
    console.log(`- ${line("batches of 100, --workers 2, 8 connections", batch, 100)}`);
}
finally {
    rmSync(dir, { recursive: true, force: true });
}
//# sourceMappingURL=http-load.js.map