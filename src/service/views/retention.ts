import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

/** The retention window: how long deleted data stays restorable before a purge. */
export const RetentionView = Type.Object({
  days: Type.Integer(),
  setBy: Nullable(Type.String()),
  setAt: Nullable(Type.String()),
});
export type RetentionView = Static<typeof RetentionView>;

/** What a collection of expired relationships removed. */
export const ExpiredCollectionView = Type.Object({
  removed: Type.Integer({ description: "relationship rows removed, in every tenant" }),
  expiredBy: Type.String({ description: "relationships that expired at or before this time were removed" }),
  days: Type.Integer({ description: "the retention window in force" }),
});
export type ExpiredCollectionView = Static<typeof ExpiredCollectionView>;
