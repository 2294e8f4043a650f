import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import pg from "pg";
import { placeTenants } from "../src/cluster/placement.js";
import { formatObject, formatSubject } from "../src/model/relationship.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { createToken } from "../src/service/tokens.js";
import { Workload } from "./workload.js";

/**
 * Three `gatehouse serve --cluster` nodes on one PostgreSQL, thirty tenants of the benchmark
 * workload (each its own seed). Measures: relationships held per node; checks sent straight to
 * a tenant's holder against checks sent to a node that forwards them (throughput, p50, p99);
 * then, under a steady load through one node, one node killed (SIGKILL): the failed answers,
 * the seconds until its tenants are placed on and loaded by the others, and the throughput
 * before, during and after. Node flags are the defaults (2 s heartbeat, 6 s timeout) unless
 * BENCH_CLUSTER_FLAGS says otherwise; load and nodes share this machine's cores.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node dist-bench/bench/cluster.js [scale per tenant] [seconds per phase] [replicas]
 */
const scale = Number(process.argv[2] ?? "0.003");
const seconds = Number(process.argv[3] ?? "8");
const replicas = process.argv[4] ?? "1";
const TENANTS = Array.from({ length: 30 }, (_, i) => `tenant-${String(i).padStart(2, "0")}`);
const IDS = ["node-1", "node-2", "node-3"];
const CONCURRENCY = 16;
// The built CLI (`npm run build`), as users run it.
const CLI = join(import.meta.dirname, "../../dist/cli/main.js");
const base = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schemaName = `gh_bench_cluster_${Date.now().toString(36)}`;

const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE SCHEMA "${schemaName}"`);
const storeUrl = new URL(base);
storeUrl.searchParams.set("schema", schemaName);
const store = storeUrl.toString();

interface Node {
  id: string;
  url: string;
  process: ChildProcess;
}
const nodes = new Map<string, Node>();

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

try {
  // ---- setup: schema, thirty tenants, a token --------------------------------------------
  const loadStarted = performance.now();
  const setup = await Gatehouse.open(store);
  const workloads = new Map(TENANTS.map((tenant, i) => [tenant, new Workload({ scale, seed: 1_000 + i })]));
  await setup.writeSchema(workloads.get(TENANTS[0]!)!.schema);
  let total = 0;
  for (const [tenant, workload] of workloads) {
    await setup.importRelationships(tenant, workload.tupleText());
    total += workload.size;
  }
  const { secret } = await createToken(setup.store, {
    name: "bench",
    role: "check",
    tenants: null,
    actor: "bench",
  });
  await setup.close();
  console.log(
    `setup: ${TENANTS.length} tenants, ${total.toLocaleString("en")} relationships (scale ${scale} each), ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`,
  );
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const queries = new Map(
    TENANTS.map((tenant) => [
      tenant,
      workloads
        .get(tenant)!
        .queries(500, 4242)
        .map((q) =>
          JSON.stringify({
            resource: formatObject(q.resource),
            permission: q.permission,
            subject: formatSubject(q.subject),
          }),
        ),
    ]),
  );

  // ---- three nodes ---------------------------------------------------------------------------
  const flags = (process.env.BENCH_CLUSTER_FLAGS ?? "").split(" ").filter(Boolean);
  const start = async (id: string): Promise<Node> => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        "--store",
        store,
        "serve",
        "--port",
        "0",
        "--no-grpc",
        "--cluster",
        "--node-id",
        id,
        "--replicas",
        replicas,
        ...flags,
      ],
      { env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk.toString();
    });
    for (let i = 0; i < 600; i++) {
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) return { id, url, process: child };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`node ${id} did not start: ${stderr}`);
  };
  for (const node of await Promise.all(IDS.map(start))) nodes.set(node.id, node);
  const placementOf = async (id: string) =>
    (await (await fetch(`${nodes.get(id)!.url}/v1/cluster/placement`, { headers })).json()) as {
      nodes: { id: string; live: boolean }[];
      tenants: Record<string, string[]>;
      loaded: { tenant: string; relationships: number }[];
    };
  const waitFor = async (ready: () => Promise<boolean>) => {
    for (;;) {
      if (await ready().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await waitFor(async () =>
    (await Promise.all(IDS.map(placementOf))).every((p) => p.nodes.filter((n) => n.live).length === 3),
  );
  const expected = placeTenants(
    TENANTS,
    IDS.map((id) => ({ id })),
    Number(replicas),
  );
  // Each node loads its tenants in the background once it sees the others; wait for all of them.
  await waitFor(async () => {
    const views = await Promise.all(IDS.map(placementOf));
    return TENANTS.every((tenant) =>
      expected
        .get(tenant)!
        .every((holder) => views[IDS.indexOf(holder)]!.loaded.some((l) => l.tenant === tenant)),
    );
  });
  const held = async (ids: readonly string[]) => {
    const lines: string[] = [];
    for (const id of ids) {
      const view = await placementOf(id);
      const relationships = view.loaded.reduce((sum, l) => sum + l.relationships, 0);
      lines.push(
        `${id}: ${view.loaded.length} tenants, ${relationships.toLocaleString("en")} relationships (${((100 * relationships) / total).toFixed(1)}% of all)`,
      );
    }
    return lines;
  };
  console.log(`replicas ${replicas}; held per node:\n  ${(await held(IDS)).join("\n  ")}`);

  // ---- direct against forwarded ----------------------------------------------------------------
  /** Checks from CONCURRENCY loops for `ms`; `target` picks each request's node. */
  const drive = async (
    ms: number,
    target: (tenant: string) => string,
    onSecond?: (second: number) => void,
  ) => {
    const latencies: number[] = [];
    const perSecond: number[] = [];
    let failed = 0;
    const started = performance.now();
    let turn = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, loop) => {
        for (let i = loop; performance.now() - started < ms; i += CONCURRENCY) {
          const tenant = TENANTS[(turn++ * 7) % TENANTS.length]!;
          const list = queries.get(tenant)!;
          const sent = performance.now();
          try {
            const response = await fetch(`${nodes.get(target(tenant))!.url}/v1/tenants/${tenant}/check`, {
              method: "POST",
              headers,
              body: list[i % list.length],
            });
            await response.arrayBuffer();
            if (response.status !== 200) failed++;
            else {
              const now = performance.now();
              latencies.push(now - sent);
              const second = Math.floor((now - started) / 1000);
              perSecond[second] = (perSecond[second] ?? 0) + 1;
              onSecond?.(second);
            }
          } catch {
            failed++;
          }
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return {
      checks: latencies.length,
      failed,
      perSecondAverage: latencies.length / (ms / 1000),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      perSecond,
    };
  };
  const show = (name: string, r: Awaited<ReturnType<typeof drive>>) =>
    console.log(
      `${name}: ${Math.round(r.perSecondAverage).toLocaleString("en")} checks/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.failed} failed`,
    );
  const holder = (tenant: string) => expected.get(tenant)![0]!;
  const notHolder = (tenant: string) =>
    IDS.find((id) => !expected.get(tenant)!.includes(id)) ?? holder(tenant);
  await drive(1_000, holder); // warm-up
  const direct = await drive(seconds * 1_000, holder);
  show("direct (each check sent to its tenant's holder)", direct);
  const forwarded = await drive(seconds * 1_000, notHolder);
  show("forwarded (each check sent to a node that does not hold its tenant)", forwarded);
  console.log(
    `forwarded/direct: throughput ${(forwarded.perSecondAverage / direct.perSecondAverage).toFixed(2)}x, p50 ${(forwarded.p50 / direct.p50).toFixed(2)}x, p99 ${(forwarded.p99 / direct.p99).toFixed(2)}x`,
  );

  // ---- a node killed under load ----------------------------------------------------------------
  const victim = "node-3";
  const itsTenants = TENANTS.filter((tenant) => holder(tenant) === victim);
  const survivors = IDS.filter((id) => id !== victim);
  let killedAt = 0;
  let recovered = 0;
  const failover = drive(3 * seconds * 1_000, () => "node-1");
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  killedAt = performance.now();
  nodes.get(victim)!.process.kill("SIGKILL");
  const killSecond = seconds;
  await waitFor(async () => {
    const views = await Promise.all(survivors.map(placementOf));
    return itsTenants.every((tenant) => {
      const now = views[0]!.tenants[tenant]![0]!;
      return now !== victim && views[survivors.indexOf(now)]!.loaded.some((l) => l.tenant === tenant);
    });
  });
  recovered = (performance.now() - killedAt) / 1000;
  const during = await failover;
  console.log(
    `node killed: ${victim} held ${itsTenants.length} tenants; they were placed on and loaded by the others ${recovered.toFixed(2)} s after the kill`,
  );
  show("load through node-1 across the kill (3 phases)", during);
  const before = during.perSecond.slice(1, killSecond);
  const after = during.perSecond.slice(killSecond + Math.ceil(recovered) + 1, 3 * seconds - 1);
  const mean = (xs: readonly (number | undefined)[]) =>
    xs.reduce<number>((a, b) => a + (b ?? 0), 0) / Math.max(1, xs.length);
  console.log(
    `checks per second: before the kill ${Math.round(mean(before))}, after recovery ${Math.round(mean(after))}; each second: ${during.perSecond.map((n) => n ?? 0).join(" ")}`,
  );
  console.log(`held per node after the kill:\n  ${(await held(survivors)).join("\n  ")}`);
  console.log(`load average: ${(await import("node:fs")).readFileSync("/proc/loadavg", "utf8").trim()}`);
} finally {
  for (const node of nodes.values()) {
    if (node.process.exitCode === null && node.process.signalCode === null) {
      node.process.kill("SIGTERM");
      await once(node.process, "exit");
    }
  }
  await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
  await admin.end();
}
