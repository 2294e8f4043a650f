/**
 * A cold CLI `permission check` on the benchmark workload, loading the tenant from the store's
 * rows and then from its index snapshot: wall and CPU time of the whole process (start-up
 * included: the first answer is its only answer) and its peak resident memory as the kernel
 * counts it (`/usr/bin/time`'s maximum resident set size, what a container limit sees).
 *
 *   npm run build && npx tsc -p tsconfig.bench.json
 *   node dist-bench/bench/cold-start.js STORE.db [--scale 1] [--runs 3]
 *
 * STORE.db is made when missing (the workload's schema and relationships, imported with the
 * CLI, which takes a minute at scale 1); otherwise it is used as it is. Each run of the rows
 * case first removes the tenant's snapshot; the snapshot case writes one with
 * `gatehouse index snapshot` and keeps it. The machine's load is printed beside the figures.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { Workload } from "./workload.js";

/** The built CLI, as users run it (`npm run build`): dist-bench's copy has no package.json beside it. */
const BUILT_CLI = path.join(import.meta.dirname, "../../dist/cli/main.js");

interface Run {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakKiB: number;
  readonly stdout: string;
}

function gatehouse(store: string, args: readonly string[]): Run {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", process.execPath, BUILT_CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, GATEHOUSE_STORE: store },
    maxBuffer: 1 << 26,
  });
  const timing = result.stderr.trim().split("\n").at(-1) ?? "";
  const [wall, user, sys, peak] = timing.split(" ").map(Number);
  if (result.status !== 0 || peak === undefined || Number.isNaN(peak))
    throw new Error(`gatehouse ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return { wallS: wall!, cpuS: user! + sys!, peakKiB: peak, stdout: result.stdout.trim() };
}

function parseArgs(argv: readonly string[]): { store: string; scale: number; runs: number } {
  const [store, ...rest] = argv;
  if (store === undefined || store.startsWith("--"))
    throw new Error("usage: cold-start STORE.db [--scale N] [--runs N]");
  let scale = 1;
  let runs = 3;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--scale") scale = Number(rest[++i]);
    else if (rest[i] === "--runs") runs = Number(rest[++i]);
    else throw new Error(`unknown argument ${rest[i]}`);
  }
  return { store: path.resolve(store), scale, runs };
}

function prepare(store: string, workload: Workload): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-cold-"));
  try {
    const schema = path.join(dir, "schema.zed");
    const tuples = path.join(dir, "tuples.txt");
    writeFileSync(schema, workload.schema);
    writeFileSync(tuples, `${workload.tupleText()}\n`);
    gatehouse(store, ["schema", "write", schema]);
    const imported = gatehouse(store, ["import", tuples]);
    console.log(`prepared ${store}: ${imported.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function main(): void {
  const { store, scale, runs } = parseArgs(process.argv.slice(2));
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` first`);
  const workload = new Workload({ scale });
  if (!existsSync(store)) prepare(store, workload);
  gatehouse(store, ["schema", "read"]); // brings an older store's tables up to date
  const relationships = workload.size;
  const [query] = workload.queries(1, 7);
  const q = query!;
  const check = [
    "permission",
    "check",
    `${q.resource.type}:${q.resource.id}`,
    q.permission,
    `${q.subject.type}:${q.subject.id}${q.subject.relation === undefined ? "" : `#${q.subject.relation}`}`,
  ];

  const report = (label: string, results: Run[]): void => {
    const peak = median(results.map((r) => r.peakKiB)) * 1024;
    console.log(
      `${label}: wall ${results.map((r) => r.wallS.toFixed(2)).join(" / ")} s, cpu ${results
        .map((r) => r.cpuS.toFixed(2))
        .join(" / ")} s, peak RSS ${results.map((r) => Math.round(r.peakKiB / 1024)).join(" / ")} MiB ` +
        `(median ${Math.round(peak / relationships)} B/relationship); answer ${results[0]?.stdout}`,
    );
  };

  const fromRows: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const db = new Database(store);
    db.prepare("DELETE FROM index_snapshot_chunks WHERE tenant = ?").run(DEFAULT_TENANT);
    db.prepare("DELETE FROM index_snapshots WHERE tenant = ?").run(DEFAULT_TENANT);
    db.close();
    fromRows.push(gatehouse(store, check));
  }
  const written = gatehouse(store, ["index", "snapshot"]);
  console.log(
    `${written.stdout} (process: wall ${written.wallS} s, peak ${Math.round(written.peakKiB / 1024)} MiB)`,
  );
  const fromSnapshot: Run[] = [];
  for (let i = 0; i < runs; i++) fromSnapshot.push(gatehouse(store, check));

  console.log(
    `${relationships.toLocaleString("en")} relationships; load average ${readFileSync("/proc/loadavg", "utf8").trim()}`,
  );
  report("from rows", fromRows);
  report("from snapshot", fromSnapshot);
}

main();
