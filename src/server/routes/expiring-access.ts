import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import { ExpiryForecastView } from "../../service/views/expiring-access.js";
import { pathTenant } from "../auth.js";
import { errorResponses, TenantParams } from "../schemas.js";

/** The expiry forecast of one tenant (a token limited to tenants reaches only its own). */
export function registerExpiringAccess(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get<{ Params: { tenant: string }; Querystring: { within: string } }>(
    "/v1/tenants/:tenant/access/expiring",
    {
      config: { access: { role: "check", tenant: pathTenant } },
      schema: {
        operationId: "forecastExpiringAccess",
        summary: "Who will lose which access when, because relationships expire within `within`",
        tags: ["queries"],
        params: TenantParams,
        querystring: Type.Object({
          within: Type.String({ minLength: 1, description: "how far ahead: `7d`, `24h`, `2w`, `1h30m`" }),
        }),
        response: { 200: ExpiryForecastView, ...errorResponses },
      },
    },
    async (request) =>
      gatehouse.expiringAccess({ within: request.query.within, tenant: request.params.tenant }),
  );
}
