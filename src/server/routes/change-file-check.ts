import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { checkChangeFile } from "../../service/change-file-check.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { ChangeFileCheckView } from "../../service/views/change-file-check.js";
import { pathTenant } from "../auth.js";
import { errorResponses, TenantParams } from "../schemas.js";

/**
 * Checking a change file without proposing it (the console's editor, as it is typed). Role
 * `check` on the tenant, as `POST /v1/validate`: it writes nothing, and what it tells (which
 * relationships exist there) a `check` token may read anyway.
 */
export function registerChangeFileCheck(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.post<{ Params: { tenant: string }; Body: { file: string } }>(
    "/v1/tenants/:tenant/changes/check",
    {
      config: { access: { role: "check", tenant: pathTenant } },
      schema: {
        operationId: "checkChangeFile",
        summary:
          "Check a change file as propose would, writing nothing: every problem with its line and column",
        tags: ["changes"],
        params: TenantParams,
        body: Type.Object({ file: Type.String({ maxLength: 20_000_000 }) }, { additionalProperties: false }),
        response: { 200: ChangeFileCheckView, ...errorResponses },
      },
    },
    async (request) => checkChangeFile(gatehouse, request.body.file, request.params.tenant),
  );
}
