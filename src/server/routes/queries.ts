import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { CheckRequest } from "../../engine/engine.js";
import { CheckNames } from "../../model/check-names.js";
import { type ObjectRef, parseObject, parseSubject, type SubjectRef } from "../../model/relationship.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import {
  CheckBatchView,
  CheckView,
  checkBatchView,
  ExplainedCheckView,
  LookupResourcesView,
  LookupSubjectsView,
  lookupResourcesView,
  lookupSubjectsView,
} from "../../service/views/query.js";
import { pathTenant } from "../auth.js";
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

/** Checks and lookups: the hot path, read-only, role `check`. */
export function registerQueries(app: FastifyInstance, gatehouse: Gatehouse, metrics: Metrics): void {
  const access = { role: "check" as const, tenant: pathTenant };

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
      metrics.countChecks(result.results);
      return checkBatchView(result);
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
