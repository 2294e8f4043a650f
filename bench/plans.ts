import { DEFAULT_GUARDS, planGuards } from "../src/changes/guards.js";
import { computePlan } from "../src/changes/plan.js";
import { Engine } from "../src/engine/engine.js";
import type { Relationship } from "../src/model/relationship.js";
import { compileSchema } from "../src/schema/schema.js";
import { Rng, type Workload } from "./workload.js";

export interface PlanFigures {
  readonly cleanup: {
    readonly relationships: number;
    readonly seconds: number;
    readonly gained: number;
    readonly lost: number;
    readonly regionObjects: number;
  };
  readonly model: {
    readonly resources: number;
    readonly seconds: number;
    readonly gained: number;
    readonly lost: number;
  };
}

/**
 * Plans on the benchmark workload, computed by the changes layer over the in-memory engine
 * (what `gatehouse change plan` spends its time on once the tenant is loaded):
 * - a cleanup deleting 10,000 direct grants on documents (targets: at most 2 s);
 * - a model change to `document#edit` (banned users may no longer edit) over every document of
 *   the workload (target: at most 10 s for 200,000 resources).
 */
export function benchPlans(
  workload: Workload,
  log: (line: string) => void = () => {},
  options: { model?: boolean } = {},
): PlanFigures {
  const schema = compileSchema(workload.schema);
  const engine = new Engine(schema);
  const index = engine.tenant("bench");
  const batch: Relationship[] = [];
  for (const r of workload.relationships()) {
    batch.push(r);
    if (batch.length === 100_000) index.apply(batch.splice(0), []);
  }
  index.apply(batch, []);

  const deletes = cleanupDeletes(workload);
  log(`planning a cleanup of ${deletes.length} relationships`);
  let started = performance.now();
  const cleanup = planCleanup(engine, "bench", 1, deletes);
  const cleanupSeconds = (performance.now() - started) / 1000;
  log(
    `cleanup planned in ${cleanupSeconds.toFixed(2)} s: ${cleanup.lost.length} lost, ${cleanup.gained.length} gained, ${cleanup.region.objects.length} objects in the region`,
  );

  if (options.model === false) {
    return {
      cleanup: {
        relationships: deletes.length,
        seconds: cleanupSeconds,
        gained: cleanup.gained.length,
        lost: cleanup.lost.length,
        regionObjects: cleanup.region.objects.length,
      },
      model: { resources: 0, seconds: Number.NaN, gained: 0, lost: 0 },
    };
  }
  // A realistic tightening: banned users may no longer edit either. It touches `edit` and
  // `view` of every document, and takes access from the few banned users who could edit.
  const stricter = compileSchema(
    workload.schema.replace(
      /(definition document \{[\s\S]*?)permission edit = owner \+ editor \+ parent->edit/,
      "$1permission edit = (owner + editor + parent->edit) - banned",
    ),
  );
  log(`planning a model change over ${workload.documentCount} documents`);
  started = performance.now();
  const model = computePlan({
    changeId: 2,
    tenant: "bench",
    intent: "model",
    baseRevision: 1,
    engine,
    schemaBefore: schema,
    schemaAfter: stricter,
    writes: [],
    deletes: [],
    schemaTenants: ["bench"],
    guards: planGuards(DEFAULT_GUARDS),
    now: new Date(),
  });
  const modelSeconds = (performance.now() - started) / 1000;
  return {
    cleanup: {
      relationships: deletes.length,
      seconds: cleanupSeconds,
      gained: cleanup.gained.length,
      lost: cleanup.lost.length,
      regionObjects: cleanup.region.objects.length,
    },
    model: {
      resources: workload.documentCount,
      seconds: modelSeconds,
      gained: model.gained.length,
      lost: model.lost.length,
    },
  };
}

/**
 * The cleanup the plan benchmarks delete: 10,000 direct grants on documents chosen at random
 * (seeded), some of which duplicate other paths to the same access, most of which do not.
 */
export function cleanupDeletes(workload: Workload): Relationship[] {
  const grants: Relationship[] = [];
  for (const r of workload.relationships())
    if (r.resource.type === "document" && (r.relation === "viewer" || r.relation === "editor"))
      grants.push(r);
  const rng = new Rng(7);
  const chosen = new Map<number, Relationship>();
  while (chosen.size < Math.min(10_000, grants.length)) {
    const i = rng.int(grants.length);
    chosen.set(i, grants[i]!);
  }
  return [...chosen.values()];
}

/** The cleanup's plan (deleting `deletes`, no schema change) over a loaded index, as `change plan` computes it. */
export function planCleanup(
  engine: Engine,
  tenant: string,
  baseRevision: number,
  deletes: Relationship[],
): ReturnType<typeof computePlan> {
  const schema = engine.requireSchema();
  return computePlan({
    changeId: 1,
    tenant,
    intent: "cleanup",
    baseRevision,
    engine,
    schemaBefore: schema,
    schemaAfter: schema,
    writes: [],
    deletes,
    schemaTenants: [],
    guards: planGuards(DEFAULT_GUARDS),
    now: new Date(),
  });
}
