import { spawn } from "node:child_process";
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
 * HTTP load on loopback: a real `gatehouse serve` process over the benchmark workload in a SQLite
 * store, driven by autocannon from this process (the two share the machine's 2 cores), with
 * single checks and with batches of 100. Target: at least 15,000 single checks per second with
 * p99 under 10 ms.
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

  const server = spawn(process.execPath, [CLI, "--store", store, "serve", "--port", "0"], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  server.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  let url: string | undefined;
  for (let i = 0; i < 300 && !url; i++) {
    url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (!url) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!url) throw new Error(`server did not start: ${stderr}`);

  const queries = workload.queries(50_000, 4242).map((q) => ({
    resource: formatObject(q.resource),
    permission: q.permission,
    subject: formatSubject(q.subject),
  }));
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  // The first request loads the tenant's index from the store.
  await fetch(`${url}/v1/tenants/${DEFAULT_TENANT}/check`, {
    method: "POST",
    headers,
    body: JSON.stringify(queries[0]),
  });

  let next = 0;
  const run = (path: string, body: () => string, connections: number) =>
    autocannon({
      url: `${url}${path}`,
      connections,
      duration: seconds,
      requests: [{ method: "POST", headers, setupRequest: (request) => ({ ...request, body: body() }) }],
    });
  const single = await run(
    `/v1/tenants/${DEFAULT_TENANT}/check`,
    () => JSON.stringify(queries[next++ % queries.length]),
    32,
  );
  const batch = await run(
    `/v1/tenants/${DEFAULT_TENANT}/checks`,
    () => {
      next += 100;
      const start = next % (queries.length - 100);
      return JSON.stringify({ checks: queries.slice(start, start + 100) });
    },
    8,
  );
  server.kill("SIGTERM");

  const line = (name: string, r: autocannon.Result, perRequest: number) =>
    `${name}: ${Math.round(r.requests.average * perRequest).toLocaleString("en")} checks/s (${Math.round(r.requests.average).toLocaleString("en")} requests/s), latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`;
  console.log(
    `HTTP on loopback, scale ${scale} (${workload.size.toLocaleString("en")} relationships), ${seconds} s each, autocannon in the same machine:`,
  );
  console.log(
    `- ${line("single checks, 32 connections", single, 1)} — target ≥ 15,000/s with p99 < 10 ms: ${single.requests.average >= 15_000 && single.latency.p99 < 10 ? "PASS" : "MISS"}`,
  );
  console.log(`- ${line("batches of 100, 8 connections", batch, 100)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
