import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

/** A token as lists and revoke show it: never its secret. */
export const TokenView = Type.Object({
  name: Type.String(),
  role: Type.String(),
  tenants: Nullable(Type.Array(Type.String())),
  createdAt: Type.String(),
  revokedAt: Nullable(Type.String()),
});
export type TokenView = Static<typeof TokenView>;

export const TokenListView = Type.Object({ tokens: Type.Array(TokenView) });

/** A new token: its secret, in this answer only. */
export const NewTokenView = Type.Object({
  name: Type.String(),
  role: Type.String(),
  tenants: Nullable(Type.Array(Type.String())),
  secret: Type.String(),
});
export type NewTokenView = Static<typeof NewTokenView>;
