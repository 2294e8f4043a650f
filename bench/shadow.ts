/**
 * The cost of shadow evaluation on the check path: `Gatehouse.check` latency with no shadow
 * session, and with a session whose candidate schema changes one permission (`document#view`:
 * direct viewers of a document no longer count), on the benchmark workload (about one million
 * relationships at scale 1).
 *
 * Reported for the workload's mix of checks (`view` four in five, `edit` one in five), for the
 * checks of the changed permission alone, and for those of the unchanged one. Plain and
 * shadowed runs alternate, twice, and the second round is reported, so that both see a warm
 * process. The decision log is off in both, so that only shadow evaluation differs.
 *
 *   node dist-bench/bench/shadow.js [--scale N]
 */
import { parseChangeFile } from "../src/changes/change-file.js";
import type { CheckRequest } from "../src/engine/engine.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { Workload } from "./workload.js";

const SEED = 20_240_601;
const CHECKS = 100_000;
const WARMUP = 20_000;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Summary {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

function summarize(nanos: readonly number[]): Summary {
  const sorted = Float64Array.from(nanos).sort();
  let sum = 0;
  for (const n of sorted) sum += n;
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean: sum / sorted.length };
}

/** Times each check through the library, one at a time, as an application calls it. */
async function timeChecks(g: Gatehouse, queries: readonly CheckRequest[]): Promise<number[]> {
  const nanos: number[] = new Array(queries.length);
  for (let i = 0; i < queries.length; i++) {
    const start = process.hrtime.bigint();
    await g.check(DEFAULT_TENANT, queries[i]!);
    nanos[i] = Number(process.hrtime.bigint() - start);
  }
  return nanos;
}

const micros = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;

async function main(): Promise<void> {
  const scaleAt = process.argv.indexOf("--scale");
  const scale = scaleAt >= 0 ? Number(process.argv[scaleAt + 1]) : 1;
  const workload = new Workload({ scale, seed: SEED });
  log(
    `workload (scale ${scale}): ${workload.size.toLocaleString("en")} relationships; loading into an in-memory store …`,
  );
  const g = await Gatehouse.open(":memory:", { decisionLog: { sample: "off" } });
  try {
    await g.writeSchema(workload.schema);
    await g.importRelationships(DEFAULT_TENANT, workload.tupleText());
    const candidate = workload.schema.replace(
      "permission view = (edit + viewer + parent->view) - banned",
      "permission view = (edit + parent->view) - banned",
    );
    if (candidate === workload.schema)
      throw new Error("the workload's schema no longer has the permission this bench changes");
    const indented = candidate.replace(/^/gm, "  ");
    const change = await g.changes.propose(
      parseChangeFile(`intent: model\nreason: bench\nschema: |\n${indented}\n`, "bench-change.yaml"),
      { tenant: DEFAULT_TENANT, actor: "bench" },
    );

    const queries = workload.queries(CHECKS, SEED + 2);
    const warmup = workload.queries(WARMUP, SEED + 1);
    const kinds = {
      mix: (_q: CheckRequest) => true,
      "changed permission (document#view)": (q: CheckRequest) => q.permission === "view",
      "unchanged permission (document#edit)": (q: CheckRequest) => q.permission === "edit",
    };

    const runs: Record<"plain" | "shadow", number[]> = { plain: [], shadow: [] };
    for (let round = 0; round < 2; round++) {
      await timeChecks(g, warmup);
      runs.plain = await timeChecks(g, queries);
      await g.shadow.start(change.id, { actor: "bench" });
      await timeChecks(g, warmup);
      runs.shadow = await timeChecks(g, queries);
      await g.shadow.stop({ actor: "bench" });
    }
    const report = await g.shadow.report();
    log(
      `shadow saw ${report.checks.toLocaleString("en")} checks; ${report.wouldBlock.toLocaleString("en")} would be blocked, ` +
        `${report.wouldAllow} let in (${report.divergences.length.toLocaleString("en")} distinct kept${report.truncated ? ", truncated" : ""})`,
    );

    const rows = [
      "| checks | count | plain p50 / p99 | shadowed p50 / p99 | ratio p50 / p99 / mean |",
      "|---|---:|---:|---:|---:|",
    ];
    for (const [name, keep] of Object.entries(kinds)) {
      const pick = (nanos: number[]) => nanos.filter((_, i) => keep(queries[i]!));
      const plain = summarize(pick(runs.plain));
      const shadow = summarize(pick(runs.shadow));
      rows.push(
        `| ${name} | ${pick(runs.plain).length.toLocaleString("en")} | ${micros(plain.p50)} / ${micros(plain.p99)} | ` +
          `${micros(shadow.p50)} / ${micros(shadow.p99)} | ${(shadow.p50 / plain.p50).toFixed(2)}× / ` +
          `${(shadow.p99 / plain.p99).toFixed(2)}× / ${(shadow.mean / plain.mean).toFixed(2)}× |`,
      );
    }
    log("");
    process.stdout.write(
      `Shadow evaluation, \`Gatehouse.check\` one at a time, ${CHECKS.toLocaleString("en")} checks per run, scale ${scale} ` +
        `(${workload.size.toLocaleString("en")} relationships); target: at most 1.5× a plain check\n\n${rows.join("\n")}\n`,
    );
  } finally {
    await g.close();
  }
}

await main();
