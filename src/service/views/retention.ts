import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

/** The retention window: how long deleted data stays restorable before a purge. */
export const RetentionView = Type.Object({
  days: Type.Integer(),
  setBy: Nullable(Type.String()),
  setAt: Nullable(Type.String()),
});
export type RetentionView = Static<typeof RetentionView>;
