import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import { parseRole } from "../../service/tokens.js";
import { AuditListView, AuditVerificationView } from "../../service/views/audit.js";
import { NewTokenView, newTokenJson, TokenListView, TokenView } from "../../service/views/token.js";
import { principalOf } from "../auth.js";
import { errorResponses } from "../schemas.js";

/** Tokens and the audit log: store-wide, role `admin`. */
export function registerAdmin(app: FastifyInstance, gatehouse: Gatehouse, onRevoke: () => void): void {
  const access = { role: "admin" as const, tenant: "store" as const };

  app.post<{ Body: { name: string; role: string; tenants?: string[] } }>(
    "/v1/tokens",
    {
      config: { access },
      schema: {
        operationId: "createToken",
        summary: "Create a token; its secret is in this response only",
        tags: ["tokens"],
        body: Type.Object(
          {
            name: Type.String({ maxLength: 63 }),
            role: Type.String(),
            tenants: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: NewTokenView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { token, secret } = await gatehouse.tokens.create({
        name: request.body.name,
        role: parseRole(request.body.role),
        tenants: request.body.tenants ?? null,
        actor: principalOf(request),
      });
      return newTokenJson(token, secret);
    },
  );

  app.get(
    "/v1/tokens",
    {
      config: { access },
      schema: {
        operationId: "listTokens",
        summary: "List tokens (never their secrets)",
        tags: ["tokens"],
        response: { 200: TokenListView, ...errorResponses },
      },
    },
    async () => ({ tokens: await gatehouse.tokens.list() }),
  );

  app.delete<{ Params: { name: string } }>(
    "/v1/tokens/:name",
    {
      config: { access },
      schema: {
        operationId: "revokeToken",
        summary: "Revoke a token",
        tags: ["tokens"],
        params: Type.Object({ name: Type.String() }),
        response: { 200: TokenView, ...errorResponses },
      },
    },
    async (request) => {
      const token = await gatehouse.tokens.revoke(request.params.name, principalOf(request));
      onRevoke();
      return token;
    },
  );

  app.get<{
    Querystring: {
      actor?: string;
      action?: string;
      tenant?: string;
      since?: string;
      until?: string;
      limit?: number;
    };
  }>(
    "/v1/audit",
    {
      config: { access },
      schema: {
        operationId: "listAudit",
        summary: "The audit log, oldest first, filtered",
        tags: ["audit"],
        querystring: Type.Object({
          actor: Type.Optional(Type.String()),
          action: Type.Optional(Type.String()),
          tenant: Type.Optional(Type.String()),
          since: Type.Optional(Type.String()),
          until: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        }),
        response: { 200: AuditListView, ...errorResponses },
      },
    },
    async (request) => ({
      records: await gatehouse.audit.list({ ...request.query, limit: request.query.limit ?? 1000 }),
    }),
  );

  app.get(
    "/v1/audit/verify",
    {
      config: { access },
      schema: {
        operationId: "verifyAudit",
        summary: "Check the audit log's hash chain; names the first record edited, removed or reordered",
        tags: ["audit"],
        response: {
          200: AuditVerificationView,
          ...errorResponses,
        },
      },
    },
    async () => gatehouse.audit.verify(),
  );
}
