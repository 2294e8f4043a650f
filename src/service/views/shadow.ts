import { type Static, Type } from "@sinclair/typebox";
import type { ShadowSession } from "../records.js";
import { Nullable } from "./fields.js";

/** The shape shadow reports and replays share (`DivergenceReport`). */
export const DivergenceReportFields = {
  checks: Type.Integer({ description: "checks observed (shadow) or decisions replayed (replay)" }),
  since: Nullable(Type.String()),
  until: Nullable(Type.String()),
  candidate: Type.Object({ change: Type.Integer() }),
  wouldBlock: Type.Integer({ description: "checks the active schema allows and the candidate denies" }),
  wouldAllow: Type.Integer({ description: "checks the active schema denies and the candidate allows" }),
  byPermission: Type.Array(
    Type.Object({
      tenant: Type.String(),
      permission: Type.String({ description: "`type#permission`" }),
      wouldBlock: Type.Integer(),
      wouldAllow: Type.Integer(),
    }),
  ),
  divergences: Type.Array(
    Type.Object({
      tenant: Type.String(),
      resource: Type.String(),
      permission: Type.String(),
      subject: Type.String(),
      active: Type.Boolean(),
      candidate: Type.Boolean(),
      count: Type.Integer(),
    }),
  ),
  truncated: Type.Boolean({
    description: "more distinct checks diverged than are listed (the counts are complete)",
  }),
};

/** A shadow session as start and stop answer it. */
export const ShadowSessionView = Type.Object({
  session: Type.Integer(),
  candidate: Type.Object({ change: Type.Integer() }),
  running: Type.Boolean(),
  since: Type.String(),
  until: Nullable(Type.String()),
  startedBy: Type.String(),
  stoppedBy: Nullable(Type.String()),
});

export type ShadowSessionView = Static<typeof ShadowSessionView>;

export function shadowSessionJson(s: ShadowSession): ShadowSessionView {
  return {
    session: s.id,
    candidate: { change: s.changeId },
    running: s.stoppedAt === null,
    since: s.startedAt,
    until: s.stoppedAt,
    startedBy: s.startedBy,
    stoppedBy: s.stoppedBy,
  };
}

/** What shadow reports and replays share: which checks the candidate answers differently. */
export const DivergenceReportView = Type.Object(DivergenceReportFields);
export type DivergenceReportView = Static<typeof DivergenceReportView>;

/** The shadow report: a session's divergences so far. */
export const ShadowReportView = Type.Object({
  session: Type.Integer(),
  running: Type.Boolean(),
  startedBy: Type.String(),
  stoppedBy: Nullable(Type.String()),
  ...DivergenceReportFields,
});
export type ShadowReportView = Static<typeof ShadowReportView>;

/** A replay of the decision log against a change: the shadow report's shape, over recorded checks. */
export const ReplayReportView = Type.Object({
  revision: Type.Integer(),
  distinct: Type.Integer(),
  evaluated: Type.Integer(),
  answeredBy: Type.Object(
    {
      active: Type.Integer(),
      thisCandidate: Type.Integer(),
      otherCandidates: Type.Integer(),
      unrecorded: Type.Integer(),
    },
    { description: "which schema answered the replayed decisions, as the log recorded it" },
  ),
  ...DivergenceReportFields,
});
export type ReplayReportView = Static<typeof ReplayReportView>;
