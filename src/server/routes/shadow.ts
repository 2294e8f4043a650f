import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import { ShadowReportView, ShadowSessionView, shadowSessionJson } from "../../service/views/shadow.js";
import { principalOf } from "../auth.js";
import { errorResponses } from "../schemas.js";

const Reason = Type.Optional(Type.String({ maxLength: 2000 }));

/**
 * Shadow evaluation: store-wide (a candidate schema is evaluated for every tenant), so these
 * need a token not limited to tenants. Starting and stopping change no answer, but they are
 * administrative acts, audited, and need `propose`; reading the report needs `check`.
 */
export function registerShadow(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.post<{ Body: { change: number; reason?: string } }>(
    "/v1/shadow/start",
    {
      config: { access: { role: "propose", tenant: "store" } },
      schema: {
        operationId: "startShadow",
        summary: "Start evaluating a model change's schema beside the active one on every check",
        tags: ["rollout"],
        body: Type.Object(
          { change: Type.Integer({ minimum: 1 }), reason: Reason },
          { additionalProperties: false },
        ),
        response: { 200: ShadowSessionView, ...errorResponses },
      },
    },
    async (request) =>
      shadowSessionJson(
        await gatehouse.shadow.start(request.body.change, {
          actor: principalOf(request),
          reason: request.body.reason,
        }),
      ),
  );

  app.post<{ Body: { reason?: string } | undefined }>(
    "/v1/shadow/stop",
    {
      config: { access: { role: "propose", tenant: "store" } },
      schema: {
        operationId: "stopShadow",
        summary: "Stop shadow evaluation (its report stays readable)",
        tags: ["rollout"],
        body: Type.Optional(Type.Object({ reason: Reason }, { additionalProperties: false })),
        response: { 200: ShadowSessionView, ...errorResponses },
      },
    },
    async (request) =>
      shadowSessionJson(
        await gatehouse.shadow.stop({ actor: principalOf(request), reason: request.body?.reason }),
      ),
  );

  app.get<{ Querystring: { session?: number } }>(
    "/v1/shadow",
    {
      // It says who was checked on what, in every tenant: the role `/decisions` needs, and a
      // token for every tenant.
      config: { access: { role: "approve", tenant: "store" } },
      schema: {
        operationId: "readShadow",
        summary: "The shadow report: who would be blocked, who would be let in, out of how many checks",
        tags: ["rollout"],
        querystring: Type.Object({ session: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: {
          200: ShadowReportView,
          ...errorResponses,
        },
      },
    },
    async (request) => gatehouse.shadow.report({ session: request.query.session }),
  );
}
