import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import { pathTenant, principalOf } from "../auth.js";
import { errorResponses, TenantParams } from "../schemas.js";

/**
 * An import of any size over HTTP: the body is the tuple text itself (`text/plain`), read as it
 * arrives and written in batches like the CLI's, all or nothing, so neither the request nor the
 * server's memory bounds it (the JSON route holds its body whole, hence its 32 MiB limit). Its
 * own plugin scope, so that no other route reads `text/plain` as a stream.
 */
export function registerImportStream(app: FastifyInstance, gatehouse: Gatehouse): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser("text/plain", (_request, payload, done) => done(null, payload));
    scope.post<{ Params: { tenant: string }; Body: AsyncIterable<Uint8Array> }>(
      "/v1/tenants/:tenant/import/stream",
      {
        config: { access: { role: "write", tenant: pathTenant } },
        schema: {
          operationId: "importRelationshipsStream",
          summary:
            "Import relationships from a `text/plain` body of one tuple a line, of any size, all or nothing, as one revision",
          tags: ["relationships"],
          params: TenantParams,
          response: {
            200: Type.Object({ revision: Type.Integer(), created: Type.Integer() }),
            ...errorResponses,
          },
        },
      },
      async (request) =>
        gatehouse.importRelationshipsFrom(request.params.tenant, request.body, {
          actor: principalOf(request),
          door: "http",
          requestId: request.id,
          file: "body",
        }),
    );
  });
}
