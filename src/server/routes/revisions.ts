import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import type { RevisionRecord } from "../../service/records.js";
import { RevisionView } from "../../service/views/revision.js";
import { HttpError } from "../http-errors.js";
import { errorResponses } from "../schemas.js";

/**
 * "Who made this write": revisions with their actor, door and request id. Role `approve` (the
 * people who review writes) or `admin`; a token limited to tenants sees their revisions only,
 * never another tenant's nor the store-wide ones.
 */
export function registerRevisions(app: FastifyInstance, gatehouse: Gatehouse): void {
  const visible = (request: FastifyRequest, record: RevisionRecord): boolean => {
    const allowed = request.principal?.tenants ?? null;
    return allowed === null || (record.tenant !== null && allowed.includes(record.tenant));
  };

  app.get<{ Querystring: { actor?: string; tenant?: string; since?: string; limit?: number } }>(
    "/v1/revisions",
    {
      config: {
        access: { role: "approve", tenant: (request) => (request.query as { tenant?: string }).tenant },
      },
      schema: {
        operationId: "listRevisions",
        summary: "Revisions, newest first: who wrote each, through which door, and what it did",
        tags: ["revisions"],
        querystring: Type.Object({
          actor: Type.Optional(Type.String({ minLength: 1 })),
          tenant: Type.Optional(Type.String({ minLength: 1 })),
          since: Type.Optional(Type.String({ description: "a UTC time, e.g. 2030-01-02T03:04:05Z" })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        }),
        response: { 200: Type.Object({ revisions: Type.Array(RevisionView) }), ...errorResponses },
      },
    },
    async (request) => {
      const allowed = request.principal?.tenants ?? null;
      const q = request.query;
      const revisions = await gatehouse.listRevisions({
        ...(q.actor !== undefined ? { actor: q.actor } : {}),
        ...(q.tenant !== undefined ? { tenant: q.tenant } : {}),
        // A limited token's listing is limited in the query, so that `limit` counts its rows.
        ...(allowed !== null ? { tenants: allowed } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
        limit: q.limit ?? 100,
      });
      return { revisions };
    },
  );

  app.get<{ Params: { revision: number } }>(
    "/v1/revisions/:revision",
    {
      config: { access: { role: "approve", tenant: () => undefined } },
      schema: {
        operationId: "getRevision",
        summary: "Who made this revision, through which door and request, and what it created and deleted",
        tags: ["revisions"],
        params: Type.Object({ revision: Type.Integer({ minimum: 1 }) }),
        response: { 200: RevisionView, ...errorResponses },
      },
    },
    async (request) => {
      const record = await gatehouse.revisionRecord(request.params.revision);
      // Another tenant's revision is reported as not found: a limited token learns nothing of it.
      if (!visible(request, record))
        throw new HttpError(
          404,
          "not_found",
          `revision ${request.params.revision} is not in a tenant this token may read`,
        );
      return record;
    },
  );
}
