/**
 * Run by the benchmark as a child process, `node --expose-gc dist-bench/bench/load-probe.js FILE
 * CHECK_JSON`: opens a store that nothing else in the process has touched, answers one check
 * (which loads the tenant's index from SQLite) and reports, as one JSON line on stdout, how long
 * that took and how much memory the loaded index holds. A fresh process keeps the benchmark's own
 * data (the generated workload, the import text) out of the memory figures.
 *
 * With `--scan` it then also times a bare scan of the tenant (SQLite reads and row objects, no
 * index), to split the cold load into "reading" and "indexing".
 */
import type { CheckRequest } from "../src/engine/engine.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { Gatehouse } from "../src/service/gatehouse.js";

export interface ProbeMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export interface ProbeResult {
  readonly openMs: number;
  /** The first check: loads the tenant from SQLite, then answers. */
  readonly firstCheckMs: number;
  readonly allowed: boolean;
  readonly relationships: number;
  readonly before: ProbeMemory;
  readonly after: ProbeMemory;
  /** A bare `scanTenant` over the same rows, when asked for with `--scan`. */
  readonly scanMs?: number;
}

function collect(): ProbeMemory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  // Twice: the first pass can leave weak and finalizable objects for the second.
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function main(): Promise<void> {
  const [file, checkJson] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (file === undefined || checkJson === undefined)
    throw new Error("usage: load-probe FILE CHECK_JSON [--scan]");
  const request = JSON.parse(checkJson) as CheckRequest;

  const t0 = performance.now();
  const gatehouse = await Gatehouse.open(file);
  const openMs = performance.now() - t0;
  const before = collect();

  const t1 = performance.now();
  const { allowed } = await gatehouse.check(DEFAULT_TENANT, request);
  const firstCheckMs = performance.now() - t1;
  const after = collect();
  const relationships = gatehouse.engine.tenant(DEFAULT_TENANT).data.size;

  let scanMs: number | undefined;
  if (process.argv.includes("--scan")) {
    const t2 = performance.now();
    let rows = 0;
    for await (const batch of gatehouse.store.scanTenant(DEFAULT_TENANT, gatehouse.revision))
      rows += batch.length;
    scanMs = performance.now() - t2;
    if (rows !== relationships) throw new Error(`scan saw ${rows} rows, the index holds ${relationships}`);
  }
  await gatehouse.close();
  const result: ProbeResult = {
    openMs,
    firstCheckMs,
    allowed,
    relationships,
    before,
    after,
    ...(scanMs !== undefined ? { scanMs } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
