import { type Static, Type } from "@sinclair/typebox";
import type { TokenRecord } from "../records.js";
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

export function tokenJson(token: TokenRecord): TokenView {
  const { name, role, tenants, createdAt, revokedAt } = token;
  return { name, role, tenants: tenants ? [...tenants] : null, createdAt, revokedAt };
}

export const TokenListView = Type.Object({ tokens: Type.Array(TokenView) });

/** A new token: its secret, in this answer only. */
export const NewTokenView = Type.Composite([
  Type.Pick(TokenView, ["name", "role", "tenants"]),
  Type.Object({ secret: Type.String() }),
]);
export type NewTokenView = Static<typeof NewTokenView>;

export function newTokenJson(token: TokenRecord, secret: string): NewTokenView {
  return { name: token.name, role: token.role, tenants: token.tenants ? [...token.tenants] : null, secret };
}
