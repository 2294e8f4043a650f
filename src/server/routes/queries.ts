import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { CheckRequest } from "../../engine/engine.js";
import { CheckNames } from "../../model/check-names.js";
import { type ObjectRef, parseObject, parseSubject, type SubjectRef } from "../../model/relationship.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { checkBatchLines } from "../../service/tuple-lines.js";
import {
  CheckBatchView,
  CheckView,
  checkBatchView,
  ExplainedCheckView,
  LookupResourcesView,
  LookupSubjectsView,
  lookupResourcesView,
  lookupSubjectsView,
  schemaAnswerText,
} from "../../service/views/query.js";
import { pathTenant } from "../auth.js";
import { HttpError } from "../http-errors.js";
import type { Metrics } from "../metrics.js";
import {
  CheckBody,
  CheckContext,
  CheckItem,
  Consistency,
  errorResponses,
  MAX_BATCH,
  Name,
  ObjectText,
  Paging,
  SubjectText,
  TenantParams,
} from "../schemas.js";

type CheckFields = {
  resource: string;
  permission: string;
  subject: string;
  context?: Record<string, unknown>;
};

function checkRequest(item: CheckFields, field: string): CheckRequest {
  try {
    return checkOf(item, parseObject(item.resource, undefined, "resource"), parseSubject(item.subject));
  } catch {
    return placedCheck(item, field);
  }
}

/**
 * A batch's items (10,000 a request), each distinct type and name tested once (`CheckNames`),
 * and no closure, place or spread object made for a good one.
 */
function batchRequests(items: readonly CheckFields[]): CheckRequest[] {
  const names = new CheckNames();
  const requests: CheckRequest[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as CheckFields;
    const resource = names.resource(item.resource);
    const subject = resource && names.subject(item.subject);
    requests[i] = resource && subject ? checkOf(item, resource, subject) : placedCheck(item, `checks[${i}].`);
  }
  return requests;
}

function checkOf(item: CheckFields, resource: ObjectRef, subject: SubjectRef): CheckRequest {
  const { permission, context } = item;
  return context !== undefined
    ? { resource, permission, subject, context }
    : { resource, permission, subject };
}

/** Parsed again only to place the message: its field names are built for a bad item alone. */
function placedCheck(item: CheckFields, at: string): CheckRequest {
  return checkOf(
    item,
    parseObject(item.resource, { field: `${at}resource` }, "resource"),
    parseSubject(item.subject, { field: `${at}subject` }),
  );
}

/**
 * Whether the caller asked for the JSON answer: `application/json` listed in `Accept` before
 * any `text/plain` (q-values are not weighed). Anything else gets the lines.
 */
function wantsJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const json = accept.indexOf("application/json");
  const text = accept.indexOf("text/plain");
  return json >= 0 && (text < 0 || json < text);
}

/** Checks and lookups: the hot path, read-only, role `check`. */
export function registerQueries(app: FastifyInstance, gatehouse: Gatehouse, metrics: Metrics): void {
  const access = { role: "check" as const, tenant: pathTenant };
  /** Both batch doors count their answers alike (the decision log is `checkBatch`'s own). */
  const counted = <T extends { results: boolean[] }>(result: T): T => {
    metrics.countChecks(result.results);
    return result;
  };

  app.post<{ Params: { tenant: string }; Body: CheckBody }>(
    "/v1/tenants/:tenant/check",
    {
      config: { access },
      schema: {
        operationId: "check",
        summary: "Check a permission",
        tags: ["queries"],
        params: TenantParams,
        body: CheckBody,
        response: {
          200: CheckView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const body = request.body;
      const check = checkRequest(body, "");
      const consistency = { atLeastRevision: body.atLeastRevision };
      const { allowed, conditional, revision, schema } = await gatehouse.check(tenant, check, consistency);
      metrics.countChecks([allowed]);
      const answer = conditional ? { allowed, conditional, revision, schema } : { allowed, revision, schema };
      if (!body.explain) return answer;
      const { tree } = await gatehouse.explain(tenant, check, consistency);
      return { ...answer, explain: tree };
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: {
      checks: Array<{
        resource: string;
        permission: string;
        subject: string;
        context?: Record<string, unknown>;
      }>;
      atLeastRevision?: number;
    };
  }>(
    "/v1/tenants/:tenant/checks",
    {
      config: { access },
      schema: {
        operationId: "checkBatch",
        summary: "Check many permissions at one revision",
        tags: ["queries"],
        params: TenantParams,
        body: Type.Object(
          { checks: Type.Array(CheckItem, { maxItems: MAX_BATCH }), ...Consistency },
          { additionalProperties: false },
        ),
        response: {
          200: CheckBatchView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const requests = batchRequests(request.body.checks);
      const result = await gatehouse.checkBatch(request.params.tenant, requests, {
        atLeastRevision: request.body.atLeastRevision,
        placeOf: (i) => ({ field: `checks[${i}]` }),
      });
      return checkBatchView(counted(result));
    },
  );

  // The same batch with a body of check lines, as `permission check --batch` reads them (issue 18
  // item 6): no JSON body to parse, validate and read item by item. The server's CPU a check at
  // 10,000 a request, client in another process, medians of alternated rounds on a loaded 2-core
  // machine: 1.23-1.63x the engine's against 1.49-1.77x for `/checks` (0.83-0.93 of it). A sibling
  // route, not a second content type of `/checks`: its answer has its own form, and each stays one
  // operation with one schema each way.
  app.post<{ Params: { tenant: string }; Querystring: { atLeastRevision?: number }; Body: string }>(
    "/v1/tenants/:tenant/checks/text",
    {
      config: { access },
      // Before validation: a JSON body (Fastify reads a JSON string as a string too) is refused
      // for its type, not for its shape.
      preValidation: async (request) => {
        if (!/^text\/plain\b/i.test(request.headers["content-type"] ?? ""))
          throw new HttpError(
            415,
            "input",
            "`body` must be `text/plain`: one check a line (`resource#permission@subject`)",
          );
      },
      schema: {
        operationId: "checkBatchText",
        summary: "Check many permissions at one revision, one check a line (`text/plain`)",
        description: [
          "The body is `text/plain`: one check a line, `resource#permission@subject` (`document:readme#view@user:ann`,",
          "`document:readme#view@group:eng#member`), blank lines and `//` comments skipped; at most",
          `${MAX_BATCH.toLocaleString("en")} checks. A malformed line, or one naming an unknown type or permission, is a 400 whose`,
          "`place` (and each of `details`) names its `line`, and no check is answered. Checks that need caveat",
          "context go to `/checks`. The answer is one line a check, in order: `true`, `false` or",
          "`conditional (missing day, time)`, with the revision in `x-gatehouse-revision` and the schema that",
          "answered in `x-gatehouse-schema` (`version:3`, `candidate:12`); with `Accept: application/json`",
          "it is the JSON answer of `/checks`.",
        ].join(" "),
        tags: ["queries"],
        params: TenantParams,
        querystring: Type.Object({ ...Consistency }, { additionalProperties: false }),
        consumes: ["text/plain"],
        body: Type.String({ description: "one check a line: `resource#permission@subject`" }),
        response: {
          200: {
            description: "the answers in the order asked",
            headers: {
              "x-gatehouse-revision": Type.Integer({ description: "the revision the batch was answered at" }),
              "x-gatehouse-schema": Type.String({
                description: "the schema that answered: `version:3`, or `candidate:12` in a staged rollout",
              }),
            },
            content: {
              "text/plain": {
                schema: Type.String({
                  description: "`true`, `false` or `conditional (missing …)`, a line each",
                }),
              },
              "application/json": { schema: CheckBatchView },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = counted(
        await gatehouse.checkBatchText(request.params.tenant, request.body, "body", {
          atLeastRevision: request.query.atLeastRevision,
          maxChecks: MAX_BATCH,
        }),
      );
      reply.header("x-gatehouse-revision", String(result.revision));
      reply.header("x-gatehouse-schema", schemaAnswerText(result.schema));
      if (wantsJson(request.headers.accept)) return checkBatchView(result);
      return reply.type("text/plain; charset=utf-8").send(checkBatchLines(result));
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: { resource: string; permission: string; subject: string; atLeastRevision?: number };
  }>(
    "/v1/tenants/:tenant/explain",
    {
      config: { access },
      schema: {
        operationId: "explain",
        summary: "Explain why a subject has, or has not, a permission",
        tags: ["queries"],
        params: TenantParams,
        body: Type.Object(
          { resource: ObjectText, permission: Name, subject: SubjectText, ...Consistency },
          { additionalProperties: false },
        ),
        response: {
          200: ExplainedCheckView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tree, revision, schema } = await gatehouse.explain(
        request.params.tenant,
        checkRequest(request.body, ""),
        { atLeastRevision: request.body.atLeastRevision },
      );
      return { allowed: tree.result, revision, schema, explain: tree };
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: {
      resourceType: string;
      permission: string;
      subject: string;
      context?: Record<string, unknown>;
      atLeastRevision?: number;
      limit?: number;
      cursor?: string;
    };
  }>(
    "/v1/tenants/:tenant/lookup-resources",
    {
      config: { access },
      schema: {
        operationId: "lookupResources",
        summary:
          "The resources of a type on which a subject has a permission, one page (sorted by id; `cursor` continues)",
        tags: ["queries"],
        params: TenantParams,
        body: Type.Object(
          {
            resourceType: Type.String({ minLength: 1, maxLength: 200 }),
            permission: Name,
            subject: SubjectText,
            context: CheckContext,
            ...Consistency,
            ...Paging,
          },
          { additionalProperties: false },
        ),
        response: {
          200: LookupResourcesView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const body = request.body;
      return lookupResourcesView(
        await gatehouse.lookupResources(
          request.params.tenant,
          body.resourceType,
          body.permission,
          parseSubject(body.subject, { field: "subject" }),
          {
            atLeastRevision: body.atLeastRevision,
            limit: body.limit,
            cursor: body.cursor,
            context: body.context,
          },
        ),
      );
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: {
      resource: string;
      permission: string;
      subjectType: string;
      subjectRelation?: string;
      context?: Record<string, unknown>;
      atLeastRevision?: number;
      limit?: number;
      cursor?: string;
    };
  }>(
    "/v1/tenants/:tenant/lookup-subjects",
    {
      config: { access },
      schema: {
        operationId: "lookupSubjects",
        summary:
          "The subjects of a type that have a permission on a resource, one page (a wildcard first, then by id; `cursor` continues)",
        tags: ["queries"],
        params: TenantParams,
        body: Type.Object(
          {
            resource: ObjectText,
            permission: Name,
            subjectType: Type.String({ minLength: 1, maxLength: 200 }),
            subjectRelation: Type.Optional(Name),
            context: CheckContext,
            ...Consistency,
            ...Paging,
          },
          { additionalProperties: false },
        ),
        response: {
          200: LookupSubjectsView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const body = request.body;
      return lookupSubjectsView(
        await gatehouse.lookupSubjects(
          request.params.tenant,
          parseObject(body.resource, { field: "resource" }, "resource"),
          body.permission,
          body.subjectType,
          body.subjectRelation,
          {
            atLeastRevision: body.atLeastRevision,
            limit: body.limit,
            cursor: body.cursor,
            context: body.context,
          },
        ),
      );
    },
  );
}
