import { type Static, Type } from "@sinclair/typebox";

/** `GET /v1/tenants`: the tenants a caller may know of, by name. */
export const TenantListView = Type.Object({
  tenants: Type.Array(Type.String(), { description: "tenants that have ever had a relationship, by name" }),
});
export type TenantListView = Static<typeof TenantListView>;
