import { readFileSync } from "node:fs";
import type { CheckRequest } from "../src/engine/engine.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import type { Relationship } from "../src/model/relationship.js";
import { Gatehouse, type GatehouseOptions } from "../src/service/gatehouse.js";
import { planCleanup } from "./plans.js";

/**
 * The process the cost curve measures from outside: `node --expose-gc cost-probe.js STORE INPUTS`,
 * started by cost-curve.js with an IPC channel. It holds nothing but the store it opens and the
 * inputs file (the checks and the cleanup's relationships, prepared by the parent so that the
 * generated workload stays out of this process's memory), and takes one step at a time when told,
 * answering with its own timings; between steps the parent reads this process's
 * /proc/PID/status (VmRSS, VmHWM), as a container's memory limit sees it.
 *
 * Steps: `load` (open the store, answer one check: the tenant's index is built from the rows, or
 * read from a snapshot with `snapshot` as the third argument),
 * `gc` (collect twice: the steady state), `checks` (latency of single checks through the library,
 * then throughput), `plan` (the 10,000-relationship cleanup, planned by the changes layer over
 * the loaded index, as `gatehouse change plan` does after loading), `exit`.
 */
export interface ProbeInputs {
  readonly warmup: CheckRequest[];
  readonly queries: CheckRequest[];
  readonly deletes: Relationship[];
}

export type ProbeStep = "load" | "gc" | "checks" | "plan" | "exit";

export interface LoadFigures {
  readonly openMs: number;
  /** Opening to the first answer: what a cold process pays before it can answer. */
  readonly firstCheckMs: number;
  readonly relationships: number;
}

export interface CheckFigures {
  readonly count: number;
  readonly allowed: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** The same checks again, with the caches they built. */
  readonly repeatP50Us: number;
  readonly repeatP99Us: number;
  /** Sequential `Gatehouse.check` calls a second, one core. */
  readonly perSecond: number;
  /** `Gatehouse.checkBatch` of 1,000 checks at a time, checks a second. */
  readonly batchPerSecond: number;
}

export interface PlanProbeFigures {
  readonly relationships: number;
  readonly ms: number;
  readonly lost: number;
  readonly gained: number;
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("run with node --expose-gc");
  collect();
  collect();
};

const [location, inputsFile, source = "rows"] = process.argv.slice(2);
if (location === undefined || inputsFile === undefined || (source !== "rows" && source !== "snapshot"))
  throw new Error("usage: cost-probe STORE INPUTS [rows|snapshot]");
/**
 * No decision log, as the server's `--decision-sample off`: the checks' own cost, and the cached
 * store is not written to (decision-log.js measures the log). `indexSnapshots.load` chooses rows
 * or the tenant's stored snapshot.
 */
const options: GatehouseOptions = {
  decisionLog: { sample: "off" },
  indexSnapshots: { load: source === "snapshot" },
};
if (!process.send) throw new Error("cost-probe runs as a child of cost-curve.js, with an IPC channel");
let inputs: ProbeInputs | undefined = JSON.parse(readFileSync(inputsFile, "utf8")) as ProbeInputs;
let gatehouse: Gatehouse | undefined;

const reply = (figures: unknown): void => {
  process.send!(figures);
};

async function step(name: ProbeStep): Promise<unknown> {
  switch (name) {
    case "load": {
      const t0 = performance.now();
      gatehouse = await Gatehouse.open(location!, options);
      const openMs = performance.now() - t0;
      await gatehouse.check(DEFAULT_TENANT, inputs!.queries[0]!);
      const firstCheckMs = performance.now() - t0;
      const relationships = gatehouse.engine.tenant(DEFAULT_TENANT).data.size;
      return { openMs, firstCheckMs, relationships } satisfies LoadFigures;
    }
    case "gc":
      gc();
      return {};
    case "checks": {
      const g = gatehouse!;
      const { warmup, queries } = inputs!;
      for (const q of warmup) await g.check(DEFAULT_TENANT, q);
      // Twice over the same checks: the first pass meets objects whose grant closures and
      // memberships are not built yet (the evaluator's caches, kept across checks), the second
      // finds them built. With 10x the objects, the same number of checks touches a tenth as
      // much of the data, so the first pass is colder at 10M than at 1M: both are reported.
      let allowed = 0;
      const pass = async (): Promise<{ p50: number; p99: number }> => {
        const times = new Float64Array(queries.length);
        allowed = 0;
        for (let i = 0; i < queries.length; i++) {
          const t = process.hrtime.bigint();
          if ((await g.check(DEFAULT_TENANT, queries[i]!)).allowed) allowed++;
          times[i] = Number(process.hrtime.bigint() - t) / 1000;
        }
        times.sort();
        return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
      };
      const first = await pass();
      const repeat = await pass();
      let started = performance.now();
      for (const q of queries) await g.check(DEFAULT_TENANT, q);
      const perSecond = queries.length / ((performance.now() - started) / 1000);
      started = performance.now();
      for (let i = 0; i < queries.length; i += 1000)
        await g.checkBatch(DEFAULT_TENANT, queries.slice(i, i + 1000));
      const batchPerSecond = queries.length / ((performance.now() - started) / 1000);
      return {
        count: queries.length,
        allowed,
        p50Us: first.p50,
        p99Us: first.p99,
        repeatP50Us: repeat.p50,
        repeatP99Us: repeat.p99,
        perSecond,
        batchPerSecond,
      } satisfies CheckFigures;
    }
    case "plan": {
      const g = gatehouse!;
      const deletes = inputs!.deletes;
      inputs = undefined; // the queries are done with: keep them out of the plan's peak
      gc();
      const started = performance.now();
      const plan = planCleanup(g.engine, DEFAULT_TENANT, g.revision, deletes);
      return {
        relationships: deletes.length,
        ms: performance.now() - started,
        lost: plan.lost.length,
        gained: plan.gained.length,
      } satisfies PlanProbeFigures;
    }
    case "exit":
      await gatehouse?.close();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on("message", (name: ProbeStep) => {
  step(name).then(reply, (error: unknown) => {
    process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  });
});
reply({ ready: true });
