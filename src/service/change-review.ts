import type { Plan } from "../changes/plan.js";
import { GatehouseError } from "../model/errors.js";
import type { Role } from "../store/token-records.js";
import { changeActions } from "./change-actions.js";
import type { Gatehouse } from "./gatehouse.js";
import { lineDiff } from "./line-diff.js";
import { filterPlanRows, type PlanRowFilter, planRowPage, planRowsCsv } from "./plan-rows.js";
import {
  type ChangeReviewView,
  changeReviewJson,
  type PlanRowsView,
  planRowsJson,
  type SchemaDiffView,
  schemaDiffJson,
} from "./views/plan-review.js";

/**
 * A change as a reviewer reads it, written once for every surface: its state, its plan's summary
 * and the actions the reader may take; the plan's rows one page at a time or as CSV; a model
 * change's schema beside the one it replaces.
 */

async function storedPlan(gatehouse: Gatehouse, id: number) {
  const change = await gatehouse.changes.get(id);
  return { change, plan: change.plan as Plan | null };
}

export async function changeReview(
  gatehouse: Gatehouse,
  id: number,
  reader: { readonly name: string; readonly role: Role },
): Promise<ChangeReviewView> {
  const { change, plan } = await storedPlan(gatehouse, id);
  return changeReviewJson(change, plan, changeActions(change, plan, reader));
}

async function plannedOrRefused(gatehouse: Gatehouse, id: number): Promise<Plan> {
  const { change, plan } = await storedPlan(gatehouse, id);
  if (plan === null)
    throw new GatehouseError("not_found", `change ${change.id} has no plan yet: plan it first`);
  return plan;
}

export async function planRows(
  gatehouse: Gatehouse,
  id: number,
  filter: PlanRowFilter,
  page: { offset?: number | undefined; limit?: number | undefined },
): Promise<PlanRowsView> {
  return planRowsJson(planRowPage(await plannedOrRefused(gatehouse, id), filter, page));
}

/** Every row the filter lets through, as CSV (an export is the whole list, not a page). */
export async function planRowsCsvOf(
  gatehouse: Gatehouse,
  id: number,
  filter: PlanRowFilter,
): Promise<string> {
  return planRowsCsv(filterPlanRows(await plannedOrRefused(gatehouse, id), filter));
}

/**
 * A model change's schema against the schema it replaces: the one in force at its plan's base
 * revision (the plan's gains and losses are against that one), or now when it is not planned yet.
 */
export async function changeSchemaDiff(gatehouse: Gatehouse, id: number): Promise<SchemaDiffView> {
  const { change, plan } = await storedPlan(gatehouse, id);
  const after = change.spec.schema;
  if (after === null)
    throw new GatehouseError("not_found", `change ${id} is not a model change: it brings no schema`);
  const revision = plan?.baseRevision ?? (await gatehouse.headRevision());
  const before = await gatehouse.store.readSchema(revision);
  return schemaDiffJson(
    id,
    { version: before?.version ?? null, revision },
    plan?.changedPermissions ?? [],
    lineDiff(before?.text ?? "", after),
  );
}
