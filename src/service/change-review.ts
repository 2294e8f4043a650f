import type { Plan } from "../changes/plan.js";
import { GatehouseError } from "../model/errors.js";
import type { ChangeRecord } from "../store/change-records.js";
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

/*
 * Each operation takes the change as the caller read it (`gatehouse.changes.get`): a plan of
 * 100,000 rows is several megabytes of JSON, and a surface that has read the change to check
 * the caller's access should not read it again to answer.
 */

export async function changeReview(
  gatehouse: Gatehouse,
  change: ChangeRecord,
  reader: { readonly name: string; readonly role: Role },
): Promise<ChangeReviewView> {
  const plan = change.plan as Plan | null;
  // An applied change with a revert under way is acted on through that revert.
  const pending = change.state === "applied" ? await gatehouse.changes.pendingRevert(change) : undefined;
  return changeReviewJson(
    change,
    plan,
    changeActions(change, plan, reader, pending !== undefined),
    pending?.id ?? null,
  );
}

/**
 * The change's plan; with `planId`, only if it is still that plan, so that pages read one after
 * another (by offset) come from one plan, never half from a plan made since.
 */
function plannedOrRefused(change: ChangeRecord, planId: string | undefined): Plan {
  if (change.plan === null)
    throw new GatehouseError("not_found", `change ${change.id} has no plan yet: plan it first`);
  const plan = change.plan as Plan;
  if (planId !== undefined && plan.planId !== planId)
    throw new GatehouseError(
      "conflict",
      `change ${change.id} was planned again (plan \`${plan.planId ?? "without an id"}\`) since plan \`${planId}\` was read: read the new plan`,
      { field: "plan" },
    );
  return plan;
}

export function planRows(
  change: ChangeRecord,
  filter: PlanRowFilter & { plan?: string | undefined },
  page: { offset?: number | undefined; limit?: number | undefined },
): PlanRowsView {
  const { plan, ...rest } = filter;
  return planRowsJson(planRowPage(plannedOrRefused(change, plan), rest, page));
}

/** Every row the filter lets through, as CSV (an export is the whole list, not a page). */
export function planRowsCsvOf(
  change: ChangeRecord,
  filter: PlanRowFilter & { plan?: string | undefined },
): string {
  const { plan, ...rest } = filter;
  return planRowsCsv(filterPlanRows(plannedOrRefused(change, plan), rest));
}

/**
 * A model change's schema against the schema it replaces: the one in force at its plan's base
 * revision (the plan's gains and losses are against that one), or now when it is not planned yet.
 */
export async function changeSchemaDiff(gatehouse: Gatehouse, change: ChangeRecord): Promise<SchemaDiffView> {
  const plan = change.plan as Plan | null;
  const after = change.spec.schema;
  const id = change.id;
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
