import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { formatRelationship } from "../src/model/relationship.js";
import { WORKLOAD_SCHEMA, Workload } from "./workload.js";

// `node dist-bench/bench/import-probe.js [scale] [postgres://...]`: the CLI's `gatehouse import`
// of the bench workload's tuples, as a user runs it, measured from outside the process
// (`/usr/bin/time -v`: elapsed time and peak RSS, as a container limit sees it). SQLite in a
// fresh file under the temporary directory (deleted after), and PostgreSQL when a URL is given
// (a schema of its own, dropped after).
const scale = Number(process.argv[2] ?? "1");
const postgres = process.argv[3];
const cli = path.join(import.meta.dirname, "../../dist/cli/main.js");

const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-import-"));
const tuples = path.join(dir, "tuples.txt");
const schema = path.join(dir, "schema.zed");
writeFileSync(schema, WORKLOAD_SCHEMA);
const lines = await writeTuples(tuples, new Workload({ scale }));
console.log(
  `scale ${scale}: ${lines.toLocaleString("en")} relationships, ${mib(statSync(tuples).size)} of tuples`,
);

try {
  measure("sqlite", path.join(dir, "bench.db"));
  if (postgres !== undefined) {
    const url = new URL(postgres);
    const name = `import_probe_${process.pid}`;
    url.searchParams.set("schema", name);
    const client = new pg.Client({ connectionString: postgres });
    await client.connect();
    await client.query(`CREATE SCHEMA ${name}`);
    try {
      measure("postgres", url.toString());
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function measure(kind: string, store: string): void {
  run(["--store", store, "schema", "write", schema]);
  const { seconds, cpuSeconds, rssKiB } = run(["--store", store, "import", tuples]);
  // The CLI's own CPU time beside the wall time: on a machine shared with other work the wall
  // time swings with the load, the CPU time much less (PostgreSQL's server side is not in it).
  console.log(
    `${kind}: import ${seconds.toFixed(1)} s = ${Math.round(lines / seconds).toLocaleString("en")}/s (CLI CPU ${cpuSeconds.toFixed(1)} s), peak RSS ${mib(rssKiB * 1024)}, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );
}

function run(args: string[]): { seconds: number; cpuSeconds: number; rssKiB: number } {
  const r = spawnSync("/usr/bin/time", ["-v", process.execPath, cli, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gatehouse ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  const elapsed = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  if (rss === undefined || !elapsed) throw new Error(`no figures from /usr/bin/time:\n${r.stderr}`);
  const seconds = Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]);
  const cpu = (name: string) =>
    Number(new RegExp(`${name} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? 0);
  return { seconds, cpuSeconds: cpu("User") + cpu("System"), rssKiB: Number(rss) };
}

async function writeTuples(file: string, workload: Workload): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  let chunk: string[] = [];
  for (const r of workload.relationships()) {
    chunk.push(formatRelationship(r));
    count++;
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join("\n")}\n`))
        await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      chunk = [];
    }
  }
  out.write(chunk.join("\n"));
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return count;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
