import { type Static, Type } from "@sinclair/typebox";
import type { Plan } from "../../changes/plan.js";
import type { PurgeFacts } from "../../changes/purge-facts.js";
import type { AuditRecord, ChangeRecord, ChangeSummary, GuardsVersion } from "../records.js";
import { AuditRecordView } from "./audit.js";
import { AccessRowView, Facts, Nullable } from "./fields.js";

/**
 * The JSON shapes of changes and plans, the same through the CLI (`--json`), the HTTP API (its
 * OpenAPI document and serialiser) and the client's types.
 */
export const ChangeSummaryView = Type.Object(
  {
    id: Type.Integer(),
    tenant: Type.String(),
    intent: Type.String(),
    state: Type.String(),
    reason: Type.String(),
    author: Type.String(),
    createdAt: Type.String(),
    baseRevision: Nullable(Type.Integer()),
    appliedRevision: Nullable(Type.Integer()),
    revertOf: Nullable(Type.Integer()),
    revertedBy: Nullable(Type.Integer()),
  },
  { description: "a change as lists, propose, withdraw, reject and restore answer it" },
);
export type ChangeSummaryView = Static<typeof ChangeSummaryView>;

export function changeSummaryJson(c: ChangeSummary | ChangeRecord): ChangeSummaryView {
  return {
    id: c.id,
    tenant: c.tenant,
    intent: c.intent,
    state: c.state,
    reason: c.reason,
    author: c.author,
    createdAt: c.createdAt,
    baseRevision: c.baseRevision,
    appliedRevision: c.appliedRevision,
    revertOf: c.revertOf,
    revertedBy: c.revertedBy,
  };
}

export const ChangeListView = Type.Object({ changes: Type.Array(ChangeSummaryView) });

export const ApprovalView = Type.Object({
  principal: Type.String(),
  at: Type.String(),
  comment: Nullable(Type.String()),
  plan: Type.Optional(Type.String({ description: "the plan id approved" })),
});

/** A change, what it asks for, its stored plan and its whole history (`change show`). */
export const ChangeDetailView = Type.Composite([
  ChangeSummaryView,
  Type.Object({
    spec: Facts("what the change asks for: `writes`, `deletes`, `deleteWhere`, `schema`"),
    plan: Type.Union([Facts("the newest plan, as `plan` answers it"), Type.Null()]),
    approvals: Type.Array(ApprovalView),
    history: Type.Array(AuditRecordView),
  }),
]);
export type ChangeDetailView = Static<typeof ChangeDetailView>;

export function changeDetailJson(change: ChangeRecord, history: readonly AuditRecord[]): ChangeDetailView {
  return {
    ...changeSummaryJson(change),
    spec: change.spec as unknown as Record<string, unknown>,
    plan: change.plan as Record<string, unknown> | null,
    approvals: change.approvals.map((a) => ({ ...a })),
    history: history.map((a) => ({ ...a })),
  };
}

export const PurgeFactsView = Type.Object({
  scope: Type.String(),
  target: Type.String(),
  deletions: Type.Array(Type.Integer()),
  relationships: Type.Array(Type.String()),
  rows: Type.Integer(),
  export: Type.Object({ path: Type.String(), sha256: Type.String(), bytes: Type.Integer() }),
  retentionDays: Type.Number(),
  possibleFrom: Type.String(),
});

/** A lifecycle proposal (subject or tenant delete, restore, merge, purge) as both surfaces answer it. */
export const LifecycleProposalView = Type.Composite([
  Type.Pick(ChangeSummaryView, ["id", "tenant", "intent", "state", "reason"]),
  Type.Object({ purge: Type.Optional(PurgeFactsView) }),
]);
export type LifecycleProposalView = Static<typeof LifecycleProposalView>;

export function proposalJson(c: ChangeRecord, purge?: PurgeFacts): LifecycleProposalView {
  const { id, tenant, intent, state, reason } = changeSummaryJson(c);
  return {
    id,
    tenant,
    intent,
    state,
    reason,
    ...(purge
      ? { purge: { ...purge, deletions: [...purge.deletions], relationships: [...purge.relationships] } }
      : {}),
  };
}

const SummaryLineView = Type.Object({
  tenant: Type.String(),
  resourceType: Type.String(),
  permission: Type.String(),
  gained: Type.Integer(),
  lost: Type.Integer(),
  resources: Type.Integer(),
  subjects: Type.Integer(),
});

export const PlanView = Type.Object({
  id: Type.Integer(),
  tenant: Type.String(),
  intent: Type.String(),
  state: Type.String(),
  planId: Nullable(Type.String({ description: "the plan's identity; an approval names it" })),
  baseRevision: Type.Integer(),
  data: Type.Object({ writes: Type.Array(Type.String()), deletes: Type.Array(Type.String()) }),
  changedPermissions: Type.Array(Type.String()),
  summary: Type.Array(SummaryLineView),
  gained: Type.Array(AccessRowView),
  lost: Type.Array(AccessRowView),
  usersets: Type.Object(
    {
      gained: Type.Array(AccessRowView),
      lost: Type.Array(AccessRowView),
      summary: Type.Array(Facts("a userset subject's answers flipped, counted")),
    },
    {
      description:
        "userset subjects' answers the change flips (`group:eng#member`), apart from the plain rows",
    },
  ),
  guards: Type.Array(
    Type.Object({ name: Type.String(), kind: Type.String(), passed: Type.Boolean(), message: Type.String() }),
  ),
  approvals: Type.Object({ needed: Type.Integer(), given: Type.Integer(), by: Type.Array(Type.String()) }),
  blocked: Type.Boolean(),
  blockedBecause: Type.Array(Type.String()),
  conflicts: Type.Array(Type.String()),
  deletion: Type.Optional(Facts("a subject or tenant deletion: what it holds and who else loses access")),
  merge: Type.Optional(Facts("a merge: FROM, INTO and what INTO gains")),
  purge: Type.Optional(PurgeFactsView),
});
export type PlanView = Static<typeof PlanView>;

export function planJson(c: ChangeRecord, plan: Plan): PlanView {
  const json = {
    id: c.id,
    tenant: c.tenant,
    intent: c.intent,
    state: c.state,
    planId: plan.planId ?? null,
    baseRevision: plan.baseRevision,
    data: plan.data,
    changedPermissions: plan.changedPermissions,
    summary: plan.summary,
    gained: plan.gained,
    lost: plan.lost,
    usersets: plan.usersets ?? { gained: [], lost: [], summary: [] },
    guards: plan.guards.map((g) => ({ name: g.name, kind: g.kind, passed: g.passed, message: g.message })),
    approvals: plan.approvals,
    blocked: plan.blocked,
    blockedBecause: plan.blockedBecause,
    conflicts: plan.conflicts,
    ...(plan.deletion ? { deletion: plan.deletion } : {}),
    ...(plan.merge ? { merge: plan.merge } : {}),
    ...(plan.purge ? { purge: plan.purge } : {}),
  };
  // The plan's records are read-only; the view is the same JSON, typed as the schema says.
  return json as unknown as PlanView;
}

export const ApproveView = Type.Composite([
  PlanView,
  Type.Object({ approved: Type.String({ description: "the id of the plan approved" }) }),
]);
export type ApproveView = Static<typeof ApproveView>;

export const ApplyView = Type.Object({
  id: Type.Integer(),
  state: Type.String(),
  revision: Type.Integer(),
  purge: Type.Optional(PurgeFactsView),
});
export type ApplyView = Static<typeof ApplyView>;

export const RevertView = Type.Composite([
  PlanView,
  Type.Object({
    applied: Type.Boolean(),
    existing: Type.Boolean({ description: "a revert still pending was returned instead of a second" }),
    revertOf: Type.Integer(),
  }),
]);
export type RevertView = Static<typeof RevertView>;

/** The guards in force: a written version, or the defaults when none was written. */
export const GuardsView = Type.Union([
  Type.Object({
    version: Type.Integer(),
    text: Type.String(),
    author: Type.String(),
    createdAt: Type.String(),
  }),
  Type.Object({ version: Type.Null(), default: Type.Literal(true), text: Type.String() }),
]);
export type GuardsView = Static<typeof GuardsView>;

export function guardsJson(version: GuardsVersion | undefined, defaults: string): GuardsView {
  return version ? { ...version } : { version: null, default: true, text: defaults };
}
