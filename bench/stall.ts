/**
 * How long one tenant's heavy request holds another tenant's check (issue 17, item 4).
 *
 * Starts `gatehouse serve` (the built `dist/cli/main.js`) on a fresh SQLite store with three
 * tenants: `lookups` (N documents that `user:ann` may view through one group, so a
 * lookup-resources answers N ids), `other` (one relationship) and `imports` (empty). Then, while
 * a probe sends a check in tenant `other` every 20 ms and times each answer:
 *
 *   1. nothing else runs (the baseline);
 *   2. one HTTP import of `--import-lines` lines into `imports`;
 *   3. four concurrent lookup-resources of `--lookup-ids` ids each, every one read to the end
 *      (following the cursor when the server pages; one request when it does not).
 *
 * Prints, per phase, the probe's p50, p99 and worst latency and the phase's duration, and the
 * server's peak RSS.
 *
 *   npm run build --silent && npx tsc -p tsconfig.bench.json && node dist-bench/bench/stall.js \
 *     [--import-lines 500000] [--lookup-ids 300000] [--cli PATH/dist/cli/main.js]
 *
 * The store is prepared through the same CLI that serves it, so `--cli` may name another build
 * (an older one, for a before-and-after on the same machine at the same time).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const IMPORT_LINES = arg("--import-lines", 500_000);
const LOOKUP_IDS = arg("--lookup-ids", 300_000);
const LOOKUPS = 4;
const PROBE_EVERY_MS = 20;
const CLI = path.resolve(
  process.argv.includes("--cli") ? process.argv[process.argv.indexOf("--cli") + 1]! : "dist/cli/main.js",
);

const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition doc {
  relation viewer: user | group#member
  permission view = viewer
}`;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function prepare(file: string): Promise<void> {
  const dir = path.dirname(file);
  const cli = (...args: string[]) =>
    execFileSync("node", [CLI, "--store", file, ...args], {
      encoding: "utf8",
      env: { ...process.env, GATEHOUSE_DECISION_SAMPLE: "off" },
    });
  writeFileSync(path.join(dir, "schema.zed"), SCHEMA);
  cli("schema", "write", path.join(dir, "schema.zed"));
  const lines = ["group:all#member@user:ann"];
  for (let i = 0; i < LOOKUP_IDS; i++) lines.push(`doc:d${i}#viewer@group:all#member`);
  writeFileSync(path.join(dir, "lookups.txt"), lines.join("\n"));
  cli("--tenant", "lookups", "import", path.join(dir, "lookups.txt"));
  writeFileSync(path.join(dir, "other.txt"), "doc:1#viewer@user:bob\n");
  cli("--tenant", "other", "import", path.join(dir, "other.txt"));
}

function peakRss(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return status.match(/VmHWM:\s+(\d+) kB/)?.[1] ? `${Math.round(Number(RegExp.$1) / 1024)} MB` : "?";
  } catch {
    return "?";
  }
}

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  readonly token: string;
}

async function startServer(file: string): Promise<Server> {
  const created = execFileSync(
    "node",
    [CLI, "--store", file, "--as", "bench", "token", "create", "--name", "bench", "--role", "admin"],
    { encoding: "utf8" },
  );
  const token = created.match(/gh_[A-Za-z0-9_-]+/)?.[0] ?? created.trim().split("\n").pop()!.trim();
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn("node", [CLI, "--store", file, "serve", "--port", String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, GATEHOUSE_DECISION_SAMPLE: "off" },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, token };
    } catch {}
    await sleep(50);
  }
  throw new Error("the server did not start");
}

async function call(server: Server, route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.base}${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Sends a check in tenant `other` every PROBE_EVERY_MS until stopped; returns each latency (ms). */
function probe(server: Server): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  let failures = 0;
  const inFlight: Promise<void>[] = [];
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      inFlight.push(
        call(server, "/v1/tenants/other/check", {
          resource: "doc:1",
          permission: "view",
          subject: "user:bob",
        }).then(
          () => {
            latencies.push(performance.now() - start);
          },
          () => {
            // A check that failed (a connection timed out) counts as its wait and is reported.
            failures++;
            latencies.push(performance.now() - start);
          },
        ),
      );
      await sleep(PROBE_EVERY_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await Promise.all(inFlight);
      if (failures > 0) log(`  (${failures} probe checks failed)`);
      return latencies;
    },
  };
}

function summary(name: string, latencies: number[], seconds: number): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  log(
    `${name.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s   checks ${String(sorted.length).padStart(4)}` +
      `   p50 ${at(0.5).toFixed(1).padStart(7)} ms   p99 ${at(0.99).toFixed(1).padStart(7)} ms` +
      `   max ${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(1).padStart(7)} ms`,
  );
}

/** Reads a lookup to its end: follows `cursor` when the server pages, one request when it does not. */
async function lookupAll(server: Server): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await call(server, "/v1/tenants/lookups/lookup-resources", {
      resourceType: "doc",
      permission: "view",
      subject: "user:ann",
      ...(cursor ? { cursor, limit: 10_000 } : { limit: 10_000 }),
    }).catch(async (error: Error) => {
      // A server without paging refuses `limit`: ask the old way, in one request.
      if (cursor !== undefined || !error.message.includes(": 400 ")) throw error;
      return call(server, "/v1/tenants/lookups/lookup-resources", {
        resourceType: "doc",
        permission: "view",
        subject: "user:ann",
      });
    });
    count += (page.resources as string[]).length;
    cursor = (page.cursor as string | null | undefined) ?? undefined;
  } while (cursor);
  return count;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-stall-"));
  const file = path.join(dir, "stall.db");
  let server: Server | undefined;
  try {
    log(`preparing: ${LOOKUP_IDS.toLocaleString("en")} documents for the lookups…`);
    await prepare(file);
    server = await startServer(file);
    // Load both tenants' indexes before measuring.
    await call(server, "/v1/tenants/other/check", {
      resource: "doc:1",
      permission: "view",
      subject: "user:bob",
    });
    await lookupAll(server);

    let p = probe(server);
    let start = performance.now();
    await sleep(2_000);
    summary("baseline (nothing else)", await p.stop(), (performance.now() - start) / 1000);

    const text: string[] = [];
    for (let i = 0; i < IMPORT_LINES; i++) text.push(`doc:i${i}#viewer@user:u${i % 1000}`);
    const body = text.join("\n");
    p = probe(server);
    start = performance.now();
    const imported = await call(server, "/v1/tenants/imports/import", { relationships: body });
    await sleep(100);
    summary(
      `import of ${IMPORT_LINES.toLocaleString("en")} lines (${imported.created} created)`,
      await p.stop(),
      (performance.now() - start) / 1000,
    );

    p = probe(server);
    start = performance.now();
    const counts = await Promise.all(Array.from({ length: LOOKUPS }, () => lookupAll(server!)));
    await sleep(100);
    summary(
      `${LOOKUPS} lookups of ${counts[0]?.toLocaleString("en")} ids`,
      await p.stop(),
      (performance.now() - start) / 1000,
    );
    log(`server peak RSS ${peakRss(server.child.pid!)}`);
  } finally {
    server?.child.kill("SIGTERM");
    await sleep(300);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
