import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import { TenantListView } from "../../service/views/tenant.js";
import { errorResponses } from "../schemas.js";

/**
 * The tenants of the store. Any token may ask; a token limited to tenants hears only of its own,
 * so that it never learns the names of the others.
 */
export function registerTenants(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get(
    "/v1/tenants",
    {
      config: { access: { role: "check", tenant: () => undefined } },
      schema: {
        operationId: "listTenants",
        summary: "The tenants that have relationships (a token limited to tenants sees its own only)",
        tags: ["admin"],
        response: { 200: TenantListView, ...errorResponses },
      },
    },
    async (request) => ({ tenants: await tenantsVisibleTo(request, gatehouse) }),
  );
}

/** The store's tenants that the request's token may know of (all, or those it is limited to). */
export async function tenantsVisibleTo(request: FastifyRequest, gatehouse: Gatehouse): Promise<string[]> {
  const allowed = request.principal?.tenants ?? null;
  return (await gatehouse.tenants()).filter((t) => allowed === null || allowed.includes(t));
}
