import {
  accessOf,
  Folded,
  type RolloutIncident,
  RowMatcher,
  type TenantIncident,
} from "../changes/incident-report.js";
import { computePlan } from "../changes/plan.js";
import { Engine, TenantIndex } from "../engine/engine.js";
import type { SchemaAnswer } from "../model/schema-answer.js";
import { parseSchema } from "../schema/schema.js";
import type { AuditRecord, ChangeRecord } from "../store/change-records.js";
import type { DecisionRecord } from "../store/decision-records.js";
import type { Store } from "../store/store.js";
import { inStep } from "./rollout-buckets.js";

/** Decisions read from the store per call. */
const PAGE = 10_000;

type Step = { at: string; tenants: readonly string[]; percent: number };

/**
 * The windows in which a change's candidate schema answered checks: one per rollout of the
 * change, each from its start to the next start of the same change (a process that had not yet
 * followed a rollback may answer with the candidate for a moment after it; those answers are
 * the candidate's too). The rollouts, their steps and their ends come from the audit trail
 * (`rollout.start`, `rollout.promote`, `rollout.rollback`, `rollout.complete`), which keeps them
 * all; the store keeps only the latest rollout's state.
 *
 * Per rolled-out tenant (in any step, or seen answering in the log), the access the candidate
 * granted and refused against the active schema is computed exactly, on a private index of the
 * tenant at the rollout's start revision; the checks the candidate answered (the decision log
 * records which schema answered each) are then matched against it: allowed checks of a gained
 * access were wrong accesses used, denied checks of a lost access are checks to redo.
 */
export async function rolloutIncidents(
  store: Store,
  change: ChangeRecord,
  options: { readonly maxDepth?: number | undefined } = {},
): Promise<RolloutIncident[]> {
  if (change.spec.schema === null) return [];
  const starts = (await store.listAudit({ action: "rollout.start" })).filter(
    (a) => detailsOf(a).changeId === change.id,
  );
  if (starts.length === 0) return [];
  const candidate = parseSchema(change.spec.schema, `change ${change.id} schema`).compiled;
  const answer: SchemaAnswer = { candidate: change.id };
  const known = await store.tenants();
  const head = await store.headRevision();
  const incidents: RolloutIncident[] = [];
  for (const [i, start] of starts.entries()) {
    const events = await store.listAudit({ target: start.target });
    const steps: Step[] = [stepOf(start.at, detailsOf(start))];
    let end: AuditRecord | undefined;
    let state: RolloutIncident["state"] = "running";
    for (const event of events) {
      if (event.seq <= start.seq) continue;
      const to = detailsOf(event).to;
      if (event.action === "rollout.promote" && typeof to === "object" && to !== null) {
        steps.push(stepOf(event.at, to as Record<string, unknown>));
      } else if (event.action === "rollout.rollback") {
        end = event;
        state = "rolled_back";
        break;
      } else if (event.action === "rollout.complete" || event.action === "rollout.promote") {
        end = event;
        state = "completed";
        break;
      }
    }

    const decisions: DecisionRecord[] = [];
    const until = starts[i + 1]?.at;
    for (let afterSeq = 0; ; ) {
      const page = await store.listDecisions({
        schema: answer,
        since: start.at,
        ...(until !== undefined ? { until } : {}),
        afterSeq,
        limit: PAGE,
      });
      decisions.push(...page);
      if (page.length < PAGE) break;
      afterSeq = page[page.length - 1]!.seq;
    }

    const tenants = new Set(known.filter((t) => steps.some((step) => inStep(step, t))));
    for (const d of decisions) tenants.add(d.tenant);
    // The start records the revision it was taken at; an older record does not, and then the
    // first answer's revision (or the head) stands in.
    const baseRevision =
      start.revision ??
      decisions.reduce<number | undefined>((m, d) => Math.min(m ?? d.revision, d.revision), undefined) ??
      head;
    const active = await store.readSchema(baseRevision);
    const activeSchema = active ? parseSchema(active.text).compiled : undefined;

    const byTenant: TenantIncident[] = [];
    for (const tenant of [...tenants].sort()) {
      let gained: TenantIncident["gained"] = [];
      let lost: TenantIncident["lost"] = [];
      if (activeSchema !== undefined) {
        const engine = new Engine(
          activeSchema,
          options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {},
        );
        const index = new TenantIndex(tenant);
        for await (const batch of store.scanTenant(tenant, baseRevision)) index.apply(batch, []);
        engine.registerTenant(index);
        const plan = computePlan({
          changeId: change.id,
          tenant,
          intent: change.intent,
          baseRevision,
          engine,
          schemaBefore: activeSchema,
          schemaAfter: candidate,
          writes: [],
          deletes: [],
          schemaTenants: [tenant],
          guards: [],
          now: new Date(0),
        });
        gained = [...plan.gained];
        lost = [...plan.lost];
      }
      const gainedRows = new RowMatcher(gained);
      const lostRows = new RowMatcher(lost);
      const used = new Folded();
      const denied = new Folded();
      for (const d of decisions) {
        if (d.tenant !== tenant) continue;
        const access = accessOf(d);
        if (d.allowed ? gainedRows.matches(d, access) : lostRows.matches(d, access))
          (d.allowed ? used : denied).add(d, access);
      }
      byTenant.push({ tenant, gained, lost, used: used.list(), denied: denied.list() });
    }

    incidents.push({
      rollout: Number(start.target.slice("rollout:".length)),
      state,
      since: start.at,
      until: end?.at ?? null,
      endedBy: end?.actor ?? null,
      endReason: end?.reason ?? null,
      steps,
      baseRevision,
      activeSchema: active?.version ?? null,
      checksRead: decisions.length,
      tenants: byTenant,
    });
  }
  return incidents;
}

function detailsOf(record: AuditRecord): Record<string, unknown> {
  const details = record.details;
  return typeof details === "object" && details !== null ? (details as Record<string, unknown>) : {};
}

function stepOf(at: string, details: Record<string, unknown>): Step {
  const tenants = Array.isArray(details.tenants)
    ? details.tenants.filter((t): t is string => typeof t === "string")
    : [];
  const percent = typeof details.percent === "number" ? details.percent : 0;
  return { at, tenants, percent };
}
