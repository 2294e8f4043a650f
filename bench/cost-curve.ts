/**
 * The cost curve: what one node pays for a tenant as it grows from 1M to 10M relationships (the
 * benchmark workload at `--base` and `--scale`), measured on stores built once through the
 * product's streamed import and cached (see cost-store.ts):
 *
 * - load: a fresh process opens the store and answers its first check (the tenant's index is
 *   built from the rows); with an index snapshot too, when this build offers one;
 * - memory: the resident set of that process, read from outside (/proc/PID/status VmHWM and
 *   VmRSS, as a container limit sees it): the peak of the load, and the steady state after
 *   garbage collection, both per relationship; the same for a real `gatehouse serve`;
 * - checks: p50/p99 of single checks through the library and through HTTP (one keep-alive
 *   connection, client included), and throughput (library sequential and batched, HTTP with
 *   autocannon);
 * - the plan of a 10,000-relationship cleanup over the loaded index: time and peak memory.
 *
 * SQLite at every scale; PostgreSQL at scales up to `--postgres-up-to` (default 1: a 10M
 * PostgreSQL import takes too long to build here). Prints a Markdown table with the issue's
 * targets (p50 at the large scale within 25% of the base; memory per relationship no higher).
 *
 *   node dist-bench/bench/cost-curve.js [--scale 10] [--base 1] [--postgres-up-to 1] [--http-seconds 10] [--json FILE]
 *
 * BENCH_PROBE_NODE_ARGS adds node flags to the measured library process (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the load).
 */
import { type ChildProcess, fork, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import autocannon from "autocannon";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { formatObject, formatSubject } from "../src/model/relationship.js";
import type { CheckFigures, LoadFigures, PlanProbeFigures, ProbeInputs, ProbeStep } from "./cost-probe.js";
import { benchDataDir, cachedPostgresStore, cachedSqliteStore, type StoreStamp } from "./cost-store.js";
import { cleanupDeletes } from "./plans.js";
import { loadAverage, type ResidentMemory, resetPeak, residentMemory } from "./process-memory.js";
import { Workload } from "./workload.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");
const PROBE = join(import.meta.dirname, "cost-probe.js");
const SEED = 20_240_601;
const WARMUP_CHECKS = 5_000;
const TIMED_CHECKS = 20_000;
const HTTP_TIMED_CHECKS = 5_000;

interface Args {
  readonly scale: number;
  readonly base: number;
  readonly postgresUpTo: number;
  readonly httpSeconds: number;
  readonly json: string | undefined;
  /** Only the library process: no server, no snapshot (a quicker second look at 10M). */
  readonly libraryOnly: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const values: Record<string, string> = {};
  let libraryOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--library-only") {
      libraryOnly = true;
      continue;
    }
    const [name, inline] = arg.split("=", 2) as [string, string | undefined];
    if (!["--scale", "--base", "--postgres-up-to", "--http-seconds", "--json"].includes(name))
      throw new Error(
        `unknown argument ${arg}: expected --scale N, --base N, --postgres-up-to N, --http-seconds S, --json FILE, --library-only`,
      );
    values[name] = inline ?? argv[++i] ?? "";
  }
  const number = (name: string, fallback: number, allowZero = false): number => {
    const value = values[name] === undefined ? fallback : Number(values[name]);
    if (!(value > 0 || (allowZero && value === 0)))
      throw new Error(`${name} needs a positive number, got ${values[name]}`);
    return value;
  };
  return {
    scale: number("--scale", 1),
    base: number("--base", 1),
    postgresUpTo: number("--postgres-up-to", 1, true),
    httpSeconds: number("--http-seconds", 10),
    json: values["--json"],
    libraryOnly,
  };
}

const log = (line: string): void => console.error(line);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// ---- the library process ----------------------------------------------------------------------

interface LibraryFigures {
  readonly baseline: ResidentMemory;
  readonly load: LoadFigures & { readonly memory: ResidentMemory };
  readonly steady: ResidentMemory;
  readonly checks: CheckFigures & { readonly memory: ResidentMemory };
  readonly plan: PlanProbeFigures & { readonly memory: ResidentMemory };
}

/** Sends one step to the probe and waits for its answer. */
async function probeStep<T>(probe: ChildProcess, step: ProbeStep): Promise<T> {
  const answer = once(probe, "message") as Promise<[T & { error?: string }]>;
  probe.send(step);
  const [message] = await Promise.race([
    answer,
    once(probe, "exit").then(([code]) => {
      throw new Error(`the probe exited (${code}) during ${step}`);
    }),
  ]);
  if (message.error !== undefined) throw new Error(`the probe failed during ${step}: ${message.error}`);
  return message;
}

function startProbe(
  location: string,
  inputsFile: string,
  source: "rows" | "snapshot" = "rows",
): ChildProcess {
  const nodeArgs = (process.env.BENCH_PROBE_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return fork(PROBE, [location, inputsFile, source], {
    execArgv: ["--expose-gc", ...nodeArgs],
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

async function measureLibrary(location: string, inputsFile: string): Promise<LibraryFigures> {
  const probe = startProbe(location, inputsFile);
  const pid = probe.pid!;
  await once(probe, "message"); // ready
  const baseline = residentMemory(pid);
  const load = await probeStep<LoadFigures>(probe, "load");
  const loaded = residentMemory(pid);
  await probeStep(probe, "gc");
  const steady = residentMemory(pid);
  const checks = await probeStep<CheckFigures>(probe, "checks");
  const afterChecks = residentMemory(pid);
  resetPeak(pid);
  const plan = await probeStep<PlanProbeFigures>(probe, "plan");
  const planned = residentMemory(pid);
  await probeStep(probe, "exit");
  if (probe.exitCode === null) await once(probe, "exit");
  return {
    baseline,
    load: { ...load, memory: loaded },
    steady,
    checks: { ...checks, memory: afterChecks },
    plan: { ...plan, memory: planned },
  };
}

/** A fresh process's load with an index snapshot written first, when this build can write one. */
async function measureSnapshotLoad(
  location: string,
  inputsFile: string,
): Promise<{ note: string; load?: LoadFigures & { memory: ResidentMemory } }> {
  const help = spawnSync(process.execPath, [CLI, "index", "snapshot", "--help"], { encoding: "utf8" });
  if (help.status !== 0 || !/snapshot/i.test(help.stdout))
    return { note: "snapshot: not available in this build (no `gatehouse index snapshot` command)" };
  const written = spawnSync(process.execPath, [CLI, "--store", location, "index", "snapshot"], {
    encoding: "utf8",
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
  });
  if (written.status !== 0)
    return {
      note: `snapshot: \`gatehouse index snapshot\` failed (${written.status}): ${written.stderr.trim()}`,
    };
  const probe = startProbe(location, inputsFile, "snapshot");
  await once(probe, "message");
  const load = await probeStep<LoadFigures>(probe, "load");
  const memory = residentMemory(probe.pid!);
  await probeStep(probe, "exit");
  if (probe.exitCode === null) await once(probe, "exit");
  return {
    note: "snapshot: written by `gatehouse index snapshot`, then loaded by a fresh process",
    load: { ...load, memory },
  };
}

// ---- the HTTP server --------------------------------------------------------------------------

interface ServerFigures {
  /** From starting `gatehouse serve` to the answer of its first check (listening, then loading). */
  readonly firstAnswerMs: number;
  readonly loaded: ResidentMemory;
  readonly p50Us: number;
  readonly p99Us: number;
  /** The same checks again, with the caches they built. */
  readonly repeatP50Us: number;
  readonly repeatP99Us: number;
  readonly perSecond: number;
  readonly httpP99Ms: number;
  readonly errors: number;
  readonly after: ResidentMemory;
}

interface WireCheck {
  readonly resource: string;
  readonly permission: string;
  readonly subject: string;
}

function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () =>
        response.statusCode === 200
          ? resolve(text)
          : reject(new Error(`HTTP ${response.statusCode}: ${text}`)),
      );
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function measureServer(
  location: string,
  token: string,
  checks: readonly WireCheck[],
  seconds: number,
): Promise<ServerFigures> {
  const started = performance.now();
  const server = spawn(
    process.execPath,
    [CLI, "--store", location, "serve", "--port", "0", "--workers", "1", "--decision-sample", "off"],
    { env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  server.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  try {
    let base: string | undefined;
    while (!base) {
      base = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (server.exitCode !== null) throw new Error(`gatehouse serve exited: ${stderr}`);
      if (!base) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = new URL(`/v1/tenants/${DEFAULT_TENANT}/check`, base);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const bodies = checks.map((c) => JSON.stringify(c));
    await post(agent, url, headers, bodies[0]!);
    const firstAnswerMs = performance.now() - started;
    const loaded = residentMemory(server.pid!);
    for (let i = 0; i < WARMUP_CHECKS; i++) await post(agent, url, headers, bodies[i % bodies.length]!);
    // Twice over the same checks, as in the library: first touch, then with the caches built.
    const pass = async (): Promise<{ p50: number; p99: number }> => {
      const times = new Float64Array(HTTP_TIMED_CHECKS);
      for (let i = 0; i < HTTP_TIMED_CHECKS; i++) {
        const body = bodies[(WARMUP_CHECKS + i) % bodies.length]!;
        const t = process.hrtime.bigint();
        await post(agent, url, headers, body);
        times[i] = Number(process.hrtime.bigint() - t) / 1000;
      }
      times.sort();
      return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
    };
    const first = await pass();
    const repeat = await pass();
    agent.destroy();
    const connections = 32;
    const perConnection = Math.floor(bodies.length / connections);
    let client = 0;
    const load = await autocannon({
      url: url.toString(),
      connections,
      duration: seconds,
      setupClient: (c) => {
        const first = (client++ % connections) * perConnection;
        c.setRequests(
          bodies.slice(first, first + perConnection).map((body) => ({ method: "POST", headers, body })),
        );
      },
    });
    return {
      firstAnswerMs,
      loaded,
      p50Us: first.p50,
      p99Us: first.p99,
      repeatP50Us: repeat.p50,
      repeatP99Us: repeat.p99,
      perSecond: load.requests.average,
      httpP99Ms: load.latency.p99,
      errors: load.errors + load.non2xx,
      after: residentMemory(server.pid!),
    };
  } finally {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  }
}

// ---- one scale --------------------------------------------------------------------------------

interface StoreFigures {
  readonly store: "SQLite" | "PostgreSQL";
  readonly location: string;
  readonly importSeconds: number;
  readonly built: boolean;
  readonly library: LibraryFigures;
  readonly snapshot: { note: string; load?: LoadFigures & { memory: ResidentMemory } };
  readonly server?: ServerFigures;
}

interface ScaleFigures {
  readonly scale: number;
  readonly relationships: number;
  readonly loadAverage: { readonly before: string; readonly after: string };
  readonly stores: StoreFigures[];
}

async function measureScale(scale: number, args: Args): Promise<ScaleFigures> {
  const before = loadAverage();
  const workload = new Workload({ scale, seed: SEED });
  log(`scale ${scale}: ${workload.size.toLocaleString("en")} relationships (load average ${before})`);
  const inputs: ProbeInputs = {
    warmup: workload.queries(WARMUP_CHECKS, SEED + 1),
    queries: workload.queries(TIMED_CHECKS, SEED + 2),
    deletes: cleanupDeletes(workload),
  };
  const inputsFile = join(benchDataDir(), `cost-curve-inputs-${process.pid}-scale${scale}.json`);
  writeFileSync(inputsFile, JSON.stringify(inputs));
  const wire = [...inputs.warmup, ...inputs.queries].map((q) => ({
    resource: formatObject(q.resource),
    permission: q.permission,
    subject: formatSubject(q.subject),
  }));

  const stores: StoreFigures[] = [];
  const sqlite = await cachedSqliteStore(workload, log);
  const postgres = scale <= args.postgresUpTo ? await cachedPostgresStore(workload, log) : undefined;
  const targets = [
    { store: "SQLite" as const, location: sqlite.file, stamp: sqlite.stamp, built: sqlite.built },
    ...(postgres
      ? [
          {
            store: "PostgreSQL" as const,
            location: postgres.location,
            stamp: postgres.stamp,
            built: postgres.built,
          },
        ]
      : []),
  ];
  try {
    for (const target of targets)
      stores.push(await measureStore(target, workload.size, inputsFile, wire, args));
  } finally {
    rmSync(inputsFile, { force: true });
  }
  return { scale, relationships: workload.size, loadAverage: { before, after: loadAverage() }, stores };
}

async function measureStore(
  target: { store: "SQLite" | "PostgreSQL"; location: string; stamp: StoreStamp; built: boolean },
  relationships: number,
  inputsFile: string,
  wire: readonly WireCheck[],
  args: Args,
): Promise<StoreFigures> {
  log(`- ${target.store}: the library process (load, steady memory, checks, cleanup plan)`);
  const library = await measureLibrary(target.location, inputsFile);
  if (library.load.relationships !== relationships)
    throw new Error(
      `${target.location} loaded ${library.load.relationships} relationships, the workload has ${relationships}: delete its stamp in ${benchDataDir()} to rebuild it`,
    );
  log(
    `  first answer ${(library.load.firstCheckMs / 1000).toFixed(1)} s, peak ${mb(library.load.memory.peak)}, steady ${mb(library.steady.rss)}; check p50 ${library.checks.p50Us.toFixed(1)} µs; plan ${(library.plan.ms / 1000).toFixed(2)} s`,
  );
  const figures = {
    store: target.store,
    location: target.location.replace(/\/\/[^@/]*@/, "//"), // no user name in the report
    importSeconds: target.stamp.importSeconds,
    built: target.built,
    library,
  };
  if (args.libraryOnly) return { ...figures, snapshot: { note: "snapshot: not measured (--library-only)" } };
  log(`- ${target.store}: gatehouse serve`);
  const server = await measureServer(target.location, target.stamp.token!, wire, args.httpSeconds);
  log(
    `  first answer ${(server.firstAnswerMs / 1000).toFixed(1)} s, peak ${mb(server.after.peak)}; HTTP p50 ${server.p50Us.toFixed(0)} µs; ${Math.round(server.perSecond)}/s`,
  );
  // Last: with index snapshots, the store keeps the snapshot written here, and a later process
  // (the next run's server too) loads from it.
  const snapshot = await measureSnapshotLoad(target.location, inputsFile);
  log(
    `  ${snapshot.note}${snapshot.load ? `: first answer ${(snapshot.load.firstCheckMs / 1000).toFixed(2)} s, peak ${mb(snapshot.load.memory.peak)}` : ""}`,
  );
  return { ...figures, snapshot, server };
}

// ---- the report -------------------------------------------------------------------------------

const perRel = (bytes: number, relationships: number): number => bytes / relationships;

function table(results: readonly ScaleFigures[]): string {
  const lines: string[] = [];
  const base = results[0]!;
  const large = results[results.length - 1]!;
  const columns = results.map((r) => `${(r.relationships / 1e6).toFixed(2)}M (scale ${r.scale})`);
  const storeNames = [...new Set(results.flatMap((r) => r.stores.map((s) => s.store)))];
  lines.push(`| | ${columns.join(" | ")} |${results.length > 1 ? " ratio |" : ""}`);
  lines.push(`|---|${results.map(() => "---:|").join("")}${results.length > 1 ? "---:|" : ""}`);
  const row = (
    name: string,
    value: (s: StoreFigures, r: ScaleFigures) => number | undefined,
    show: (n: number) => string,
  ) => {
    for (const store of storeNames) {
      const values = results.map((r) => {
        const s = r.stores.find((x) => x.store === store);
        return s ? value(s, r) : undefined;
      });
      if (values.every((v) => v === undefined)) continue;
      const first = values[0];
      const last = values[values.length - 1];
      const ratio =
        results.length > 1
          ? first !== undefined && last !== undefined && first > 0
            ? ` ${(last / first).toFixed(2)}x |`
            : " |"
          : "";
      lines.push(
        `| ${name} (${store}) | ${values.map((v) => (v === undefined ? "—" : show(v))).join(" | ")} |${ratio}`,
      );
    }
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const b = (n: number) => `${Math.round(n)} B`;
  const us = (n: number) => `${n.toFixed(1)} µs`;
  const perSec = (n: number) => `${Math.round(n).toLocaleString("en")}/s`;
  const m = (bytes: number) => mb(bytes);
  row("import through the product (cached build)", (x) => x.importSeconds * 1000, s);
  row("load from rows: open to first answer, library", (x) => x.library.load.firstCheckMs, s);
  row("load from a snapshot: open to first answer", (x) => x.snapshot.load?.firstCheckMs, s);
  row(
    "peak RSS per relationship, loaded from a snapshot",
    (x, r) => (x.snapshot.load ? perRel(x.snapshot.load.memory.peak, r.relationships) : undefined),
    b,
  );
  row(
    "start to first answer, `gatehouse serve` (from a snapshot if the store holds one)",
    (x) => x.server?.firstAnswerMs,
    s,
  );
  row("peak RSS of the load (VmHWM), library", (x) => x.library.load.memory.peak, m);
  row("peak RSS per relationship, library", (x, r) => perRel(x.library.load.memory.peak, r.relationships), b);
  row(
    "steady RSS per relationship after GC, library",
    (x, r) => perRel(x.library.steady.rss, r.relationships),
    b,
  );
  row(
    "index RSS per relationship (steady minus the empty process)",
    (x, r) => perRel(x.library.steady.rss - x.library.baseline.rss, r.relationships),
    b,
  );
  row(
    "peak RSS per relationship, `gatehouse serve`",
    (x, r) => (x.server ? perRel(x.server.after.peak, r.relationships) : undefined),
    b,
  );
  row(
    "RSS per relationship after the HTTP load, `gatehouse serve`",
    (x, r) => (x.server ? perRel(x.server.after.rss, r.relationships) : undefined),
    b,
  );
  row("check p50, library (first pass: caches cold)", (x) => x.library.checks.p50Us, us);
  row("check p99, library (first pass)", (x) => x.library.checks.p99Us, us);
  row("check p50, library (same checks again: caches warm)", (x) => x.library.checks.repeatP50Us, us);
  row("check p99, library (same checks again)", (x) => x.library.checks.repeatP99Us, us);
  row("check p50, HTTP (one keep-alive connection, first pass)", (x) => x.server?.p50Us, us);
  row("check p99, HTTP (one keep-alive connection, first pass)", (x) => x.server?.p99Us, us);
  row("check p50, HTTP (same checks again)", (x) => x.server?.repeatP50Us, us);
  row("check p99, HTTP (same checks again)", (x) => x.server?.repeatP99Us, us);
  row("checks a second, library (one at a time)", (x) => x.library.checks.perSecond, perSec);
  row("checks a second, library (batches of 1,000)", (x) => x.library.checks.batchPerSecond, perSec);
  row("checks a second, HTTP (32 connections, autocannon)", (x) => x.server?.perSecond, perSec);
  row("plan of the 10,000-relationship cleanup", (x) => x.library.plan.ms, s);
  row("peak RSS during the plan (VmHWM)", (x) => x.library.plan.memory.peak, m);
  row("RSS the plan added at its peak", (x) => x.library.plan.memory.peak - x.library.checks.memory.rss, m);

  if (results.length > 1) {
    lines.push("");
    lines.push(`Targets (issue 18), ${columns[columns.length - 1]} against ${columns[0]}:`);
    for (const store of storeNames) {
      const a = base.stores.find((x) => x.store === store);
      const z = large.stores.find((x) => x.store === store);
      if (!a || !z) {
        lines.push(`- ${store}: measured at ${a ? columns[0] : columns[columns.length - 1]} only`);
        continue;
      }
      const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
      const p50 = z.library.checks.p50Us / a.library.checks.p50Us;
      const warmP50 = z.library.checks.repeatP50Us / a.library.checks.repeatP50Us;
      const httpP50 = (z.server?.p50Us ?? Number.NaN) / (a.server?.p50Us ?? Number.NaN);
      const warmHttpP50 = (z.server?.repeatP50Us ?? Number.NaN) / (a.server?.repeatP50Us ?? Number.NaN);
      const peak =
        perRel(z.library.load.memory.peak, large.relationships) /
        perRel(a.library.load.memory.peak, base.relationships);
      const steady =
        perRel(z.library.steady.rss, large.relationships) / perRel(a.library.steady.rss, base.relationships);
      lines.push(
        `- ${store}: check p50 within 25%: library ${p50.toFixed(2)}x ${verdict(p50 <= 1.25)} (caches warm: ${warmP50.toFixed(2)}x ${verdict(warmP50 <= 1.25)}), ${Number.isNaN(httpP50) ? "HTTP not measured" : `HTTP ${httpP50.toFixed(2)}x ${verdict(httpP50 <= 1.25)} (caches warm: ${warmHttpP50.toFixed(2)}x ${verdict(warmHttpP50 <= 1.25)})`}; memory per relationship no higher: peak ${peak.toFixed(2)}x ${verdict(peak <= 1)}, steady ${steady.toFixed(2)}x ${verdict(steady <= 1)}`,
      );
    }
  }
  lines.push("");
  for (const r of results)
    lines.push(
      `- scale ${r.scale}: load average ${r.loadAverage.before} before, ${r.loadAverage.after} after; ${r.stores.map((x) => `${x.store} ${x.snapshot.note}`).join("; ")}`,
    );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scales = [...new Set([args.base, args.scale])].sort((a, b) => a - b);
  log(`cost curve at scales ${scales.join(" and ")}; stores cached in ${benchDataDir()}`);
  const results: ScaleFigures[] = [];
  for (const scale of scales) results.push(await measureScale(scale, args));
  if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n### Cost curve, one node\n\n${table(results)}\n`);
  console.log(
    "The SpiceDB comparison (run.js) is not run above scale 1: its in-memory datastore takes too long to load 10M relationships here.",
  );
}

await main();
