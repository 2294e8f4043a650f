import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

/** An allowed (used) or denied check that only the change answered so, counted. */
export const IncidentAccessView = Type.Object({
  resource: Type.String(),
  permission: Type.String(),
  subject: Type.String(),
  checks: Type.Integer(),
  first: Type.String(),
  last: Type.String(),
});
export type IncidentAccessView = Static<typeof IncidentAccessView>;

/** A gained or lost access; in a revision range's report, when it changed back, if it did. */
const IncidentRowView = Type.Object({
  tenant: Type.Optional(Type.String()),
  resource: Type.String(),
  permission: Type.String(),
  subject: Type.String(),
  except: Type.Optional(Type.Array(Type.String())),
  changedBack: Type.Optional(Type.Integer({ description: "the revision it was last back as at the start" })),
  periods: Type.Optional(
    Type.Array(Type.Object({ from: Type.Integer(), to: Type.Integer() }), {
      description: "each span of revisions (inclusive) during which the access was changed",
    }),
  ),
});

export const IncidentTenantView = Type.Object({
  tenant: Type.String(),
  gained: Type.Array(IncidentRowView),
  lost: Type.Array(IncidentRowView),
  used: Type.Array(IncidentAccessView, { description: "allowed checks that only the change allowed" }),
  denied: Type.Array(IncidentAccessView, { description: "denied checks that only the change denied" }),
});
export type IncidentTenantView = Static<typeof IncidentTenantView>;

const RolloutIncidentView = Type.Object({
  rollout: Type.Integer(),
  state: Type.Union([Type.Literal("running"), Type.Literal("completed"), Type.Literal("rolled_back")]),
  since: Type.String(),
  until: Nullable(Type.String()),
  endedBy: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
  steps: Type.Array(
    Type.Object({ at: Type.String(), tenants: Type.Array(Type.String()), percent: Type.Number() }),
  ),
  baseRevision: Type.Integer(),
  activeSchema: Nullable(Type.Integer()),
  checksRead: Type.Integer(),
  tenants: Type.Array(IncidentTenantView),
});

/** Who gained and lost access through a change or a revision range, and what was used or denied. */
export const IncidentReportView = Type.Object(
  {
    change: Nullable(
      Type.Object({
        id: Type.Integer(),
        intent: Type.String(),
        reason: Type.String(),
        author: Type.String(),
      }),
    ),
    // Null for a change that was never applied, only rolled out (see `rollouts`).
    fromRevision: Nullable(Type.Integer()),
    toRevision: Nullable(Type.Integer()),
    window: Nullable(
      Type.Object({
        fromRevision: Type.Integer(),
        toRevision: Nullable(Type.Integer()),
        since: Nullable(Type.String()),
        until: Nullable(Type.String()),
        revertedBy: Nullable(Type.Integer()),
        endedBy: Nullable(Type.Union([Type.Literal("revert"), Type.Literal("restore")])),
      }),
    ),
    checksRead: Type.Integer(),
    decisionsLost: Type.Integer({
      description:
        "checks in the window the decision log could not record: used and denied may miss this many",
    }),
    tenants: Type.Array(IncidentTenantView),
    rollouts: Type.Array(RolloutIncidentView),
  },
  { additionalProperties: false },
);
export type IncidentReportView = Static<typeof IncidentReportView>;
