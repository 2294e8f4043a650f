import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { type DecisionQuery, decisionFilterOf } from "../../service/decision-query.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { DecisionListView } from "../../service/views/decision.js";
import { pathTenant } from "../auth.js";
import { errorResponses, ObjectText, SubjectText, TenantParams } from "../schemas.js";

/**
 * The decision log of one tenant. Role `approve`: the log says who accessed what and when,
 * which is more than a token that may only check (or write data) should learn about others.
 */
export function registerDecisions(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get<{ Params: { tenant: string }; Querystring: Omit<DecisionQuery, "tenant"> }>(
    "/v1/tenants/:tenant/decisions",
    {
      config: { access: { role: "approve", tenant: pathTenant } },
      schema: {
        operationId: "listDecisions",
        summary: "Recorded checks of a tenant, oldest first, filtered (at most `limit`, default 1000)",
        tags: ["decisions"],
        params: TenantParams,
        querystring: Type.Object(
          {
            resource: Type.Optional(ObjectText),
            permission: Type.Optional(Type.String({ maxLength: 64 })),
            subject: Type.Optional(SubjectText),
            result: Type.Optional(Type.Union([Type.Literal("allowed"), Type.Literal("denied")])),
            schema: Type.Optional(
              Type.String({
                maxLength: 40,
                description: "which schema answered: `version:N`, or `candidate:CHANGE_ID` (a rollout's)",
              }),
            ),
            since: Type.Optional(Type.String({ maxLength: 40, description: "UTC time, inclusive" })),
            until: Type.Optional(Type.String({ maxLength: 40, description: "UTC time, exclusive" })),
            fromRevision: Type.Optional(Type.Integer({ minimum: 0, description: "inclusive" })),
            toRevision: Type.Optional(Type.Integer({ minimum: 0, description: "inclusive" })),
            afterSeq: Type.Optional(
              Type.Integer({ minimum: 0, description: "the next page after this record" }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: DecisionListView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const filter = decisionFilterOf({ ...request.query, tenant: request.params.tenant });
      return {
        decisions: await gatehouse.listDecisions(filter),
        lost: await gatehouse.decisionLosses({ since: filter.since, until: filter.until }),
      };
    },
  );
}
