import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { rolloutJson, rolloutStatusJson } from "../../rollout/rollout-json.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { RolloutPromotionView, RolloutStatusView, RolloutView } from "../../service/views/rollout.js";
import { principalOf } from "../auth.js";
import { errorResponses } from "../schemas.js";

const TenantList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 10_000,
});
const Percent = Type.Integer({ minimum: 1, maximum: 100 });
const Reason = Type.String({ minLength: 1, maxLength: 10_000 });

/**
 * Staged rollouts. A rollout changes which schema answers tenants across the store, so start
 * and promote (which may apply the change) need `admin` on the whole store; a rollback only
 * returns tenants to the active schema, which an `approve` token may do in an emergency.
 */
export function registerRollout(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.post<{
    Body: {
      changeId: number;
      tenants?: string[];
      percent?: number;
      margin?: number;
      windowSeconds?: number;
      minChecks?: number;
      reason?: string;
    };
  }>(
    "/v1/rollout/start",
    {
      config: { access: { role: "admin", tenant: "store" } },
      schema: {
        operationId: "startRollout",
        summary: "Start a staged rollout of a planned model change to some tenants",
        tags: ["rollout"],
        body: Type.Object(
          {
            changeId: Type.Integer({ minimum: 1 }),
            tenants: Type.Optional(TenantList),
            percent: Type.Optional(Percent),
            margin: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            windowSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
            minChecks: Type.Optional(Type.Integer({ minimum: 1 })),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 200: RolloutView, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      const record = await gatehouse.rollouts.start(body.changeId, {
        actor: principalOf(request),
        reason: body.reason,
        tenants: body.tenants,
        percent: body.percent,
        monitor: { margin: body.margin, windowSeconds: body.windowSeconds, minChecks: body.minChecks },
      });
      return rolloutJson(record);
    },
  );

  app.post<{ Body: { tenants?: string[]; percent?: number; all?: boolean; reason?: string } }>(
    "/v1/rollout/promote",
    {
      config: { access: { role: "admin", tenant: "store" } },
      schema: {
        operationId: "promoteRollout",
        summary: "Widen the running rollout: to the given step, the next one, or all (applies the change)",
        tags: ["rollout"],
        body: Type.Object(
          {
            tenants: Type.Optional(TenantList),
            percent: Type.Optional(Percent),
            all: Type.Optional(Type.Boolean()),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 200: RolloutPromotionView, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const { rollout, applied } = await gatehouse.rollouts.promote({
        actor: principalOf(request),
        reason: body.reason,
        tenants: body.tenants,
        percent: body.percent,
        all: body.all,
      });
      return { ...rolloutJson(rollout), ...(applied ? { revision: applied.revision } : {}) };
    },
  );

  app.post<{ Body: { reason?: string } }>(
    "/v1/rollout/rollback",
    {
      config: { access: { role: "approve", tenant: "store" } },
      schema: {
        operationId: "rollBackRollout",
        summary: "Roll the running rollout back: every tenant is answered by the active schema again",
        tags: ["rollout"],
        body: Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }),
        response: { 200: RolloutView, ...errorResponses },
      },
    },
    async (request) =>
      rolloutJson(
        await gatehouse.rollouts.rollback({ actor: principalOf(request), reason: request.body?.reason }),
      ),
  );

  app.get(
    "/v1/rollout",
    {
      config: { access: { role: "check", tenant: "store" } },
      schema: {
        operationId: "readRollout",
        summary: "The newest rollout: step, tenants answered by the candidate, monitor windows, why it ended",
        tags: ["rollout"],
        response: { 200: RolloutStatusView, ...errorResponses },
      },
    },
    async () => rolloutStatusJson(await gatehouse.rollouts.status()),
  );
}
