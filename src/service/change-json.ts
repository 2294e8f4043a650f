import type { Plan } from "../changes/plan.js";
import type { PurgeFacts } from "../changes/purge-facts.js";
import type { ChangeRecord } from "../store/change-records.js";

/** The JSON shapes of changes and plans, the same through the CLI (`--json`) and the HTTP API. */
export function changeSummaryJson(c: ChangeRecord) {
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

/** A lifecycle proposal (subject or tenant delete, restore, merge, purge) as both surfaces answer it. */
export function proposalJson(c: ChangeRecord, purge?: PurgeFacts) {
  return {
    id: c.id,
    tenant: c.tenant,
    intent: c.intent,
    state: c.state,
    reason: c.reason,
    ...(purge ? { purge } : {}),
  };
}

export function planJson(c: ChangeRecord, plan: Plan) {
  return {
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
    // Userset subjects' answers the change flips (`group:eng#member`), apart from the plain rows.
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
}
