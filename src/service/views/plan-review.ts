import { type Static, Type } from "@sinclair/typebox";
import type { Plan } from "../../changes/plan.js";
import type { AccessCondition } from "../../engine/access-diff.js";
import type { ChangeRecord } from "../../store/change-records.js";
import type { ChangeAction } from "../change-actions.js";
import type { DiffLine } from "../line-diff.js";
import type { PlanRowPage } from "../plan-rows.js";
import { ApprovalView, ChangeSummaryView, changeSummaryJson, PlanView, planJson } from "./change.js";
import { type AccessConditionView, AccessRowView, Nullable } from "./fields.js";

/**
 * The shapes a reviewer's surface reads a change in: the change with its plan's summary and
 * facts but without its rows (a plan may list 100,000), the rows one page at a time, and a
 * model change's schema diff. The console reads these through the typed client.
 */

export const ChangeActionView = Type.Union(
  ["plan", "approve", "apply", "revert", "withdraw", "reject"].map((a) => Type.Literal(a as ChangeAction)),
  { description: "an action the caller may take on the change now" },
);

/** A plan without its access rows, with how many there are. */
export const PlanOverviewView = Type.Composite([
  Type.Omit(PlanView, ["gained", "lost", "usersets"]),
  Type.Object({
    counts: Type.Object({
      gained: Type.Integer(),
      lost: Type.Integer(),
      usersetsGained: Type.Integer(),
      usersetsLost: Type.Integer(),
    }),
  }),
]);
export type PlanOverviewView = Static<typeof PlanOverviewView>;

export const ChangeReviewView = Type.Object({
  change: Type.Composite([
    ChangeSummaryView,
    Type.Object({ model: Type.Boolean({ description: "the change brings a new schema" }) }),
  ]),
  plan: Nullable(PlanOverviewView),
  approvals: Type.Array(ApprovalView),
  actions: Type.Array(ChangeActionView),
  pendingRevert: Nullable(
    Type.Integer({ description: "a revert of this change proposed and not yet applied" }),
  ),
});
export type ChangeReviewView = Static<typeof ChangeReviewView>;

export function changeReviewJson(
  change: ChangeRecord,
  plan: Plan | null,
  actions: readonly ChangeAction[],
  pendingRevert: number | null,
): ChangeReviewView {
  let overview: PlanOverviewView | null = null;
  if (plan !== null) {
    const { gained, lost, usersets, ...rest } = planJson(change, plan);
    overview = {
      ...rest,
      counts: {
        gained: gained.length,
        lost: lost.length,
        usersetsGained: usersets.gained.length,
        usersetsLost: usersets.lost.length,
      },
    };
  }
  return {
    change: { ...changeSummaryJson(change), model: change.spec.schema !== null },
    plan: overview,
    approvals: change.approvals.map((a) => ({ ...a })),
    actions: [...actions],
    pendingRevert,
  };
}

export const PlanRowView = Type.Composite([
  AccessRowView,
  Type.Object({ change: Type.Union([Type.Literal("gained"), Type.Literal("lost")]) }),
]);

export const PlanRowsView = Type.Object({
  planId: Nullable(Type.String()),
  total: Type.Integer({ description: "rows in the plan" }),
  matched: Type.Integer({ description: "rows the filter lets through" }),
  offset: Type.Integer(),
  rows: Type.Array(PlanRowView),
});
export type PlanRowsView = Static<typeof PlanRowsView>;

export function planRowsJson(page: PlanRowPage): PlanRowsView {
  return {
    ...page,
    rows: page.rows.map(({ except, conditional, stillConditional, wasConditional, ...r }) => ({
      ...r,
      ...(except ? { except: [...except] } : {}),
      ...(conditional ? { conditional: conditionJson(conditional) } : {}),
      ...(stillConditional ? { stillConditional: conditionJson(stillConditional) } : {}),
      ...(wasConditional ? { wasConditional: conditionJson(wasConditional) } : {}),
    })),
  };
}

function conditionJson(c: AccessCondition): Static<typeof AccessConditionView> {
  return { caveats: c.caveats.map((k) => ({ ...k })), missing: [...c.missing] };
}

export const SchemaDiffView = Type.Object({
  id: Type.Integer(),
  before: Type.Object({
    version: Nullable(Type.Integer({ description: "the schema version the plan was computed against" })),
    revision: Type.Integer({ description: "the revision it was read at" }),
  }),
  changedPermissions: Type.Array(Type.String()),
  lines: Type.Array(
    Type.Object({
      op: Type.Union([Type.Literal("same"), Type.Literal("removed"), Type.Literal("added")]),
      text: Type.String(),
      before: Nullable(Type.Integer()),
      after: Nullable(Type.Integer()),
    }),
  ),
});
export type SchemaDiffView = Static<typeof SchemaDiffView>;

export function schemaDiffJson(
  id: number,
  before: { version: number | null; revision: number },
  changedPermissions: readonly string[],
  lines: readonly DiffLine[],
): SchemaDiffView {
  return { id, before, changedPermissions: [...changedPermissions], lines: lines.map((l) => ({ ...l })) };
}
