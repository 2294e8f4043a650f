import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_TENANT } from "../src/model/names.js";
import type { Relationship } from "../src/model/relationship.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { createToken } from "../src/service/tokens.js";
import type { Workload } from "./workload.js";

/**
 * The stores the cost curve measures, built once through the product's own streamed import
 * (`Gatehouse.importRelationshipsFrom`, what `gatehouse import FILE` runs: parsing, schema
 * validation, guards, one revision) and kept for the next run. A 10M store takes the better part
 * of an hour to import on this machine, so it is cached under `BENCH_DATA` (default
 * `/work/bench-data` when it exists, else the OS temporary folder), keyed by scale, seed and
 * `WORKLOAD_VERSION`; never committed.
 */

/** Bump when bench/workload.ts generates different data, so that no stale store is reused. */
export const WORKLOAD_VERSION = 1;

export function benchDataDir(): string {
  const dir =
    process.env.BENCH_DATA ??
    (existsSync("/work/bench-data") ? "/work/bench-data" : join(tmpdir(), "gatehouse-bench-data"));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What a finished build wrote beside its store: the store is used only when this matches. */
export interface StoreStamp {
  readonly workloadVersion: number;
  readonly scale: number;
  readonly seed: number;
  readonly relationships: number;
  readonly importSeconds: number;
  readonly builtAt: string;
  /** A `check` token for the HTTP step, created once with the store (a local bench store's). */
  readonly token?: string;
}

export function tupleLine(r: Relationship): string {
  const s = r.subject;
  return `${r.resource.type}:${r.resource.id}#${r.relation}@${s.type}:${s.id}${s.relation === undefined ? "" : `#${s.relation}`}`;
}

/** The workload as a stream of tuple text in chunks of about 10,000 lines: never held whole. */
async function* tupleChunks(workload: Workload): AsyncGenerator<string> {
  let lines: string[] = [];
  for (const r of workload.relationships()) {
    lines.push(tupleLine(r));
    if (lines.length === 10_000) {
      yield `${lines.join("\n")}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join("\n")}\n`;
}

/**
 * Writes the workload's schema and relationships into a fresh store at `location` through the
 * library's streamed import, and answers how long the import took.
 */
export async function importWorkload(
  location: string,
  workload: Workload,
  log: (line: string) => void = () => {},
): Promise<number> {
  const gatehouse = await Gatehouse.open(location);
  try {
    await gatehouse.writeSchema(workload.schema);
    const started = performance.now();
    let lastReport = started;
    const result = await gatehouse.importRelationshipsFrom(DEFAULT_TENANT, tupleChunks(workload), {
      actor: "bench",
      reason: "cost curve store",
      onProgress: (done) => {
        const now = performance.now();
        if (now - lastReport < 30_000) return;
        lastReport = now;
        log(
          `  imported ${done.toLocaleString("en")} in ${((now - started) / 1000).toFixed(0)} s (${Math.round(done / ((now - started) / 1000)).toLocaleString("en")}/s)`,
        );
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.created !== workload.size)
      throw new Error(
        `the import created ${result.created} relationships, the workload has ${workload.size}`,
      );
    return seconds;
  } finally {
    await gatehouse.close();
  }
}

/**
 * The SQLite store of `workload`, built when missing (into a temporary name, renamed when the
 * import committed, so that an interrupted build is never taken for a finished one).
 */
export async function cachedSqliteStore(
  workload: Workload,
  log: (line: string) => void = () => {},
): Promise<{ file: string; stamp: StoreStamp; built: boolean }> {
  const name = `cost-curve-v${WORKLOAD_VERSION}-scale${workload.scale}-seed${workload.seed}`;
  const dir = benchDataDir();
  const file = join(dir, `${name}.db`);
  const stampFile = join(dir, `${name}.json`);
  await otherBuilder(dir, name, log);
  if (existsSync(file) && existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as StoreStamp;
    if (stamp.workloadVersion === WORKLOAD_VERSION && stamp.relationships === workload.size) {
      if (stamp.token !== undefined) return { file, stamp, built: false };
      const stamped = { ...stamp, token: await benchToken(file) };
      writeFileSync(stampFile, `${JSON.stringify(stamped, null, 2)}\n`);
      return { file, stamp: stamped, built: false };
    }
  }
  const building = join(dir, `${name}.building-${process.pid}.db`);
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  log(`building ${file}: ${workload.size.toLocaleString("en")} relationships through the streamed import`);
  const importSeconds = await importWorkload(building, workload, log);
  for (const suffix of ["-wal", "-shm"])
    if (existsSync(`${building}${suffix}`)) throw new Error(`${building}${suffix} left after close`);
  renameSync(building, file);
  const stamp = await stampBuilt(file, stampFile, workload, importSeconds);
  log(`built in ${importSeconds.toFixed(0)} s`);
  return { file, stamp, built: true };
}

/** Writes the stamp of a store just built (with its bench token) and answers it. */
async function stampBuilt(
  location: string,
  stampFile: string,
  workload: Workload,
  importSeconds: number,
): Promise<StoreStamp> {
  const stamp: StoreStamp = {
    workloadVersion: WORKLOAD_VERSION,
    scale: workload.scale,
    seed: workload.seed,
    relationships: workload.size,
    importSeconds,
    builtAt: new Date().toISOString(),
    token: await benchToken(location),
  };
  writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  return stamp;
}

/**
 * Waits while another live process builds the same store (its `NAME.building-PID.db` is there),
 * so that a run started meanwhile uses that store instead of building a second one.
 */
async function otherBuilder(dir: string, name: string, log: (line: string) => void): Promise<void> {
  const pattern = new RegExp(`^${name.replace(/\./g, "\\.")}\\.building-(\\d+)\\.db$`);
  for (let waited = false; ; waited = true) {
    const builder = readdirSync(dir)
      .map((f) => Number(pattern.exec(f)?.[1]))
      .find((pid) => pid > 0 && pid !== process.pid && alive(pid));
    if (builder === undefined) return;
    if (!waited) log(`waiting for process ${builder}, which is building ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Creates a `check` token for every tenant in the store at `location`, and answers its secret. */
export async function benchToken(location: string): Promise<string> {
  const gatehouse = await Gatehouse.open(location);
  try {
    const { secret } = await createToken(gatehouse.store, {
      name: `cost-curve-${Date.now()}`,
      role: "check",
      tenants: null,
      actor: "bench",
    });
    return secret;
  } finally {
    await gatehouse.close();
  }
}

/** The PostgreSQL server the cost curve uses (the test database), unless `BENCH_POSTGRES` names another. */
export const BENCH_POSTGRES = process.env.BENCH_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * The PostgreSQL store of `workload`, in its own schema of the test database (so that it is
 * kept between runs without touching anyone else's tables), built when its stamp is missing.
 * The probe checks that the loaded index holds `workload.size` relationships, so a schema dropped
 * since shows up as an error naming the stamp to delete.
 */
export async function cachedPostgresStore(
  workload: Workload,
  log: (line: string) => void = () => {},
): Promise<{ location: string; stamp: StoreStamp; stampFile: string; built: boolean }> {
  const scale = String(workload.scale).replace(".", "_");
  const schema = `cost_curve_v${WORKLOAD_VERSION}_s${scale}_${workload.seed}`;
  const location = `${BENCH_POSTGRES}?schema=${schema}`;
  const stampFile = join(benchDataDir(), `${schema}.postgres.json`);
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as StoreStamp;
    if (stamp.workloadVersion === WORKLOAD_VERSION && stamp.relationships === workload.size)
      return { location, stamp, stampFile, built: false };
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: BENCH_POSTGRES });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
  log(
    `building ${location}: ${workload.size.toLocaleString("en")} relationships through the streamed import`,
  );
  const importSeconds = await importWorkload(location, workload, log);
  const stamp = await stampBuilt(location, stampFile, workload, importSeconds);
  log(`built in ${importSeconds.toFixed(0)} s`);
  return { location, stamp, stampFile, built: true };
}
