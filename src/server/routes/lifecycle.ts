import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import type { LifecycleScope } from "../../service/records.js";
import { LifecycleProposalView, proposalJson } from "../../service/views/change.js";
import { ExpiredCollectionView, RetentionView } from "../../service/views/retention.js";
import { pathTenant, principalOf } from "../auth.js";
import { errorResponses, ObjectText, TenantParams } from "../schemas.js";

/**
 * Subject and tenant lifecycle: soft delete, restore, merge and purge proposals (each answers
 * with the proposed change, which the change routes plan, approve and apply), and the retention
 * window. A purge's export bundle goes to the server's export directory: a client never names a
 * path on the server's disk.
 */
export function registerLifecycle(app: FastifyInstance, gatehouse: Gatehouse, exportDir: string): void {
  const Reason = Type.Optional(Type.String({ maxLength: 2000 }));
  const SubjectBody = Type.Object(
    { subject: { ...ObjectText, description: "the subject, `type:id`" }, reason: Reason },
    { additionalProperties: false },
  );
  const ReasonBody = Type.Optional(Type.Object({ reason: Reason }, { additionalProperties: false }));
  const propose = { access: { role: "propose" as const, tenant: pathTenant } };

  const operations = {
    delete: "Propose the soft deletion of every live relationship of",
    restore: "Propose bringing back exactly what the applied deletions removed of",
    purge:
      "After the retention window: write an export bundle and propose removing for good what the deletion removed of",
  } as const;

  for (const [operation, summary] of Object.entries(operations) as [keyof typeof operations, string][]) {
    const run = async (
      scope: LifecycleScope,
      tenant: string,
      target: string,
      actor: string,
      reason?: string,
    ) => {
      const options = { tenant, actor, ...(reason ? { reason } : {}) };
      if (operation === "purge") {
        const { change, purge } = await gatehouse.lifecycle.purge(scope, target, { ...options, exportDir });
        return proposalJson(change, purge);
      }
      return proposalJson(await gatehouse.lifecycle[operation](scope, target, options));
    };

    app.post<{ Params: { tenant: string }; Body: { subject: string; reason?: string } }>(
      `/v1/tenants/:tenant/subjects/${operation}`,
      {
        config: propose,
        schema: {
          operationId: `${operation}Subject`,
          summary: `${summary} a subject (every relationship where it is the resource or the subject)`,
          tags: ["lifecycle"],
          params: TenantParams,
          body: SubjectBody,
          response: { 200: LifecycleProposalView, ...errorResponses },
        },
      },
      async (request) =>
        run(
          "subject",
          request.params.tenant,
          request.body.subject,
          principalOf(request),
          request.body.reason,
        ),
    );

    app.post<{ Params: { tenant: string }; Body: { reason?: string } | undefined }>(
      `/v1/tenants/:tenant/lifecycle/${operation}`,
      {
        config: propose,
        schema: {
          operationId: `${operation}Tenant`,
          summary: `${summary} a whole tenant`,
          tags: ["lifecycle"],
          params: TenantParams,
          body: ReasonBody,
          response: { 200: LifecycleProposalView, ...errorResponses },
        },
      },
      async (request) =>
        run(
          "tenant",
          request.params.tenant,
          request.params.tenant,
          principalOf(request),
          request.body?.reason,
        ),
    );
  }

  app.post<{ Params: { tenant: string }; Body: { from: string; into: string; reason?: string } }>(
    "/v1/tenants/:tenant/subjects/merge",
    {
      config: propose,
      schema: {
        operationId: "proposeSubjectMerge",
        summary: "Propose moving every relationship of a duplicate subject onto the real one (intent merge)",
        tags: ["lifecycle"],
        params: TenantParams,
        body: Type.Object(
          {
            from: { ...ObjectText, description: "the duplicate, `type:id`" },
            into: { ...ObjectText, description: "the real subject, `type:id`" },
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 200: LifecycleProposalView, ...errorResponses },
      },
    },
    async (request) =>
      proposalJson(
        await gatehouse.lifecycle.merge(request.body.from, request.body.into, {
          tenant: request.params.tenant,
          actor: principalOf(request),
          ...(request.body.reason ? { reason: request.body.reason } : {}),
        }),
      ),
  );

  app.get(
    "/v1/retention",
    {
      config: { access: { role: "check", tenant: () => undefined } },
      schema: {
        operationId: "readRetention",
        summary: "The retention window: how long deleted data stays restorable before a purge",
        tags: ["lifecycle"],
        response: { 200: RetentionView, ...errorResponses },
      },
    },
    async () => gatehouse.lifecycle.retention(),
  );

  app.put<{ Body: { days: number; reason?: string } }>(
    "/v1/retention",
    {
      config: { access: { role: "admin", tenant: "store" } },
      schema: {
        operationId: "writeRetention",
        summary: "Set the retention window of the store (audited)",
        tags: ["lifecycle"],
        body: Type.Object(
          { days: Type.Integer({ minimum: 1, maximum: 36_500 }), reason: Reason },
          { additionalProperties: false },
        ),
        response: { 200: RetentionView, ...errorResponses },
      },
    },
    async (request) =>
      gatehouse.lifecycle.setRetention(request.body.days, {
        actor: principalOf(request),
        ...(request.body.reason ? { reason: request.body.reason } : {}),
      }),
  );

  app.post<{ Body: { reason?: string } }>(
    "/v1/retention/collect",
    {
      config: { access: { role: "admin", tenant: "store" } },
      schema: {
        operationId: "collectExpiredRelationships",
        summary:
          "Remove for good the relationships that expired longer ago than the retention window, in every tenant (audited)",
        tags: ["lifecycle"],
        body: Type.Optional(Type.Object({ reason: Reason }, { additionalProperties: false })),
        response: { 200: ExpiredCollectionView, ...errorResponses },
      },
    },
    async (request) =>
      gatehouse.lifecycle.collectExpired({
        actor: principalOf(request),
        ...(request.body?.reason ? { reason: request.body.reason } : {}),
      }),
  );
}
