import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

/** A staged rollout as the CLI's `--json`, the HTTP API and the client show it (`rolloutJson`). */
export const RolloutView = Type.Object({
  id: Type.Integer(),
  changeId: Type.Integer(),
  state: Type.Union([Type.Literal("running"), Type.Literal("completed"), Type.Literal("rolled_back")]),
  step: Type.Integer(),
  tenants: Type.Array(Type.String()),
  percent: Type.Integer(),
  monitor: Type.Object({ margin: Type.Number(), windowSeconds: Type.Number(), minChecks: Type.Integer() }),
  startedAt: Type.String(),
  startedBy: Type.String(),
  updatedAt: Type.String(),
  endedAt: Nullable(Type.String()),
  endedBy: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
  trip: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: "what tripped the monitor and rolled the rollout back, if it did",
  }),
});
export type RolloutView = Static<typeof RolloutView>;

/** Promote: the rollout, and the revision its change was applied at when this step completed it. */
export const RolloutPromotionView = Type.Composite([
  RolloutView,
  Type.Object({ revision: Type.Optional(Type.Integer()) }),
]);

export const RolloutStatusView = Type.Object({
  rollout: Nullable(RolloutView),
  rolledOut: Type.Array(Type.String()),
  next: Nullable(Type.String()),
  windows: Type.Array(
    Type.Object({
      permission: Type.String(),
      checks: Type.Integer(),
      candidateDenies: Type.Integer(),
      baselineDenies: Type.Integer(),
      windowStartedAt: Type.String(),
    }),
  ),
});
export type RolloutStatusView = Static<typeof RolloutStatusView>;
