import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { GatehouseError } from "../../model/errors.js";
import { formatRelationship, parseRelationship } from "../../model/relationship.js";
import { withGivenTraits } from "../../model/relationship-traits.js";
import { parseFilter } from "../../service/filter-text.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { IMPORT_MAX_BYTES, IMPORT_MAX_LINES, importTooLarge } from "../../service/import-limits.js";
import type { UpdateOperation } from "../../service/records.js";
import { runValidationFile } from "../../service/validate.js";
import { parseValidationFile } from "../../service/validation-file.js";
import { RelationshipView, relationshipView } from "../../service/views/relationship.js";
import { ValidationReportView } from "../../service/views/validation.js";
import { pathTenant, principalOf } from "../auth.js";
import { HttpError } from "../http-errors.js";
import { errorResponses, NextCursor, Paging, Revision, TenantParams, TupleText } from "../schemas.js";

const MAX_UPDATES = 10_000;

/** Schema, relationships, import and validation files. */
export function registerData(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get(
    "/v1/schema",
    {
      config: { access: { role: "check", tenant: () => undefined } },
      schema: {
        operationId: "readSchema",
        summary: "The current schema",
        tags: ["schema"],
        response: {
          200: Type.Object({
            schema: Type.Union([Type.String(), Type.Null()]),
            version: Type.Union([Type.Integer(), Type.Null()]),
            revision: Type.Union([Type.Integer(), Type.Null()]),
            createdAt: Type.Union([Type.String(), Type.Null()]),
            author: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const version = await gatehouse.readSchema();
      return {
        schema: version?.text ?? null,
        version: version?.version ?? null,
        revision: version?.revision ?? null,
        createdAt: version?.createdAt ?? null,
        author: version?.author ?? null,
      };
    },
  );

  app.put<{ Body: { schema: string; reason?: string } }>(
    "/v1/schema",
    {
      config: { access: { role: "admin", tenant: "store" } },
      schema: {
        operationId: "writeSchema",
        summary:
          "Write a new schema version. On a store with relationships it is planned as a `model` change first: it goes live only when nobody loses access and every guard passes; otherwise 409 with the change it was proposed as (`error.facts.change`) and the plan's summary",
        tags: ["schema"],
        body: Type.Object(
          {
            schema: Type.String({ maxLength: 1_000_000 }),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            version: Type.Integer(),
            revision: Type.Integer(),
            change: Type.Union([Type.Integer(), Type.Null()], {
              description: "the `model` change it went live through; null on a store without relationships",
            }),
            gained: Type.Integer(),
            lost: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const version = await gatehouse.writeSchema(request.body.schema, {
        actor: principalOf(request),
        file: "schema",
        ...(request.body.reason !== undefined ? { reason: request.body.reason } : {}),
      });
      return {
        version: version.version,
        revision: version.revision,
        change: version.change,
        gained: version.gained,
        lost: version.lost,
      };
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: {
      updates: Array<{
        operation: UpdateOperation;
        relationship: string;
        caveat?: { name: string; context?: Record<string, unknown> };
        expiresAt?: string;
      }>;
    };
  }>(
    "/v1/tenants/:tenant/relationships",
    {
      config: { access: { role: "write", tenant: pathTenant } },
      schema: {
        operationId: "writeRelationships",
        summary: "Create, touch or delete relationships, all or nothing, as one revision",
        tags: ["relationships"],
        params: TenantParams,
        body: Type.Object(
          {
            updates: Type.Array(
              Type.Object(
                {
                  operation: Type.Union([
                    Type.Literal("create"),
                    Type.Literal("touch"),
                    Type.Literal("delete"),
                  ]),
                  relationship: TupleText,
                  caveat: Type.Optional(
                    Type.Object(
                      {
                        name: Type.String({ maxLength: 128 }),
                        context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
                      },
                      {
                        additionalProperties: false,
                        description: "the caveat, instead of `[name:{...}]` in the text",
                      },
                    ),
                  ),
                  expiresAt: Type.Optional(
                    Type.String({
                      maxLength: 64,
                      description: "RFC 3339 time, instead of `[expiration:...]` in the text",
                    }),
                  ),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: MAX_UPDATES },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            revision: Type.Integer(),
            created: Type.Array(Type.String()),
            deleted: Type.Array(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const updates = request.body.updates.map((u, i) => ({
        operation: u.operation,
        relationship: withGivenTraits(
          parseRelationship(u.relationship, { field: `updates[${i}].relationship` }),
          { caveat: u.caveat, expiresAt: u.expiresAt },
          {
            caveat: `updates[${i}].caveat`,
            context: `updates[${i}].caveat.context`,
            expiresAt: `updates[${i}].expiresAt`,
          },
        ),
      }));
      const result = await gatehouse.writeRelationships(request.params.tenant, updates, {
        actor: principalOf(request),
        door: "http",
        requestId: request.id,
        // A caller of the API sent a list: every problem names its item, even in a list of one.
        placeOf: (i) => ({ field: `updates[${i}]` }),
      });
      return {
        revision: result.revision,
        created: result.created.map(formatRelationship),
        deleted: result.deleted.map(formatRelationship),
      };
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: { resource: string; relation?: string; subject?: string; reason?: string };
  }>(
    "/v1/tenants/:tenant/relationships/delete",
    {
      config: { access: { role: "write", tenant: pathTenant } },
      schema: {
        operationId: "deleteRelationships",
        summary:
          "Delete every live relationship a filter selects, as one direct write held to the direct-writes guards",
        tags: ["relationships"],
        params: TenantParams,
        body: Type.Object(
          {
            resource: Type.String({ minLength: 1, description: "type or type:id" }),
            relation: Type.Optional(Type.String()),
            subject: Type.Optional(Type.String({ description: "type, type:id or type:id#relation" })),
            reason: Type.Optional(Type.String({ maxLength: 10_000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ revision: Type.Integer(), deleted: Type.Array(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const b = request.body;
      const result = await gatehouse.deleteRelationships(
        request.params.tenant,
        parseFilter(b.resource, b.relation, b.subject),
        {
          actor: principalOf(request),
          door: "http",
          requestId: request.id,
          ...(b.reason !== undefined ? { reason: b.reason } : {}),
        },
      );
      return { revision: result.revision, deleted: result.deleted.map(formatRelationship) };
    },
  );

  app.get<{
    Params: { tenant: string };
    Querystring: {
      resource?: string;
      relation?: string;
      subject?: string;
      atRevision?: number;
      limit?: number;
      cursor?: string;
    };
  }>(
    "/v1/tenants/:tenant/relationships",
    {
      config: { access: { role: "check", tenant: pathTenant } },
      schema: {
        operationId: "readRelationships",
        summary:
          "Read live relationships, one page in tuple order, optionally as of a past revision (`cursor` continues at the same revision)",
        tags: ["relationships"],
        params: TenantParams,
        querystring: Type.Object({
          resource: Type.Optional(Type.String({ description: "type or type:id" })),
          relation: Type.Optional(Type.String()),
          subject: Type.Optional(Type.String({ description: "type, type:id or type:id#relation" })),
          atRevision: Type.Optional(Revision),
          ...Paging,
        }),
        response: {
          200: Type.Object({
            relationships: Type.Array(RelationshipView),
            revision: Type.Integer(),
            cursor: NextCursor,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await gatehouse.readRelationshipsPage(
        request.params.tenant,
        parseFilter(q.resource, q.relation, q.subject),
        { atRevision: q.atRevision, limit: q.limit, cursor: q.cursor },
      );
      return {
        relationships: page.relationships.map(relationshipView),
        revision: page.revision,
        cursor: page.cursor,
      };
    },
  );

  app.post<{ Params: { tenant: string }; Body: { relationships: string } }>(
    "/v1/tenants/:tenant/import",
    {
      config: { access: { role: "write", tenant: pathTenant } },
      // The JSON around the text, and escapes such as `\n`, may take up to twice its bytes.
      bodyLimit: 2 * IMPORT_MAX_BYTES + 1024,
      schema: {
        operationId: "importRelationships",
        summary: `Import relationships (one tuple a line), all or nothing; at most ${IMPORT_MAX_LINES.toLocaleString("en")} lines and ${IMPORT_MAX_BYTES / 1024 / 1024} MiB a request (413 beyond)`,
        tags: ["relationships"],
        params: TenantParams,
        body: Type.Object(
          { relationships: Type.String({ description: "one `resource#relation@subject` a line" }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ revision: Type.Integer(), created: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const tooLarge = importTooLarge(request.body.relationships);
      if (tooLarge !== undefined) throw new HttpError(413, "too_large", tooLarge);
      return gatehouse.importRelationshipsFrom(request.params.tenant, request.body.relationships, {
        actor: principalOf(request),
        door: "http",
        requestId: request.id,
        file: "relationships",
      });
    },
  );

  app.post<{ Body: { file: string } }>(
    "/v1/validate",
    {
      config: { access: { role: "check", tenant: () => undefined } },
      schema: {
        operationId: "runValidationFile",
        summary: "Run a SpiceDB validation file (YAML) in memory",
        tags: ["schema"],
        body: Type.Object(
          { file: Type.String({ description: "the validation file's text" }) },
          { additionalProperties: false },
        ),
        response: { 200: ValidationReportView, ...errorResponses },
      },
    },
    async (request) => {
      const report = runValidationFile(
        parseValidationFile(request.body.file, "file", {
          readFile: () => {
            throw new GatehouseError(
              "input",
              "`schemaFile` cannot be read over HTTP: put the schema in the file",
              { field: "file" },
            );
          },
        }),
      );
      return { ok: report.failures.length === 0, ...report };
    },
  );
}
