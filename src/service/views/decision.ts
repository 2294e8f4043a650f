import { type Static, Type } from "@sinclair/typebox";
import { SchemaAnswerView } from "./fields.js";

/** A recorded check, as `decisions` lists it (the CLI's `--json` prints these records). */
export const DecisionView = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  tenant: Type.String(),
  resource: Type.Object({ type: Type.String(), id: Type.String() }),
  permission: Type.String(),
  subject: Type.Object({ type: Type.String(), id: Type.String(), relation: Type.Optional(Type.String()) }),
  allowed: Type.Boolean(),
  revision: Type.Integer(),
  schema: Type.Optional(SchemaAnswerView),
});
export type DecisionView = Static<typeof DecisionView>;

/** Checks a process answered but could not record, counted per process and reason. */
export const DecisionLossView = Type.Object({
  process: Type.String(),
  reason: Type.String(),
  count: Type.Integer(),
  firstAt: Type.String(),
  lastAt: Type.String(),
});

export const DecisionListView = Type.Object({
  decisions: Type.Array(DecisionView),
  lost: Type.Array(DecisionLossView, {
    description: "checks answered in the window (by time, any tenant) that the decision log could not record",
  }),
});
export type DecisionListView = Static<typeof DecisionListView>;
