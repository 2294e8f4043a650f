import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { CheckRequest } from "../../engine/engine.js";
import { parseObject, parseSubject } from "../../model/relationship.js";
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

function checkRequest(
  item: { resource: string; permission: string; subject: string; context?: Record<string, unknown> },
  field: string | (() => string),
): CheckRequest {
  const context = item.context !== undefined ? { context: item.context } : {};
  try {
    return {
      resource: parseObject(item.resource, undefined, "resource"),
      permission: item.permission,
      subject: parseSubject(item.subject),
      ...context,
    };
  } catch {
    // Parsed again only to place the message: a batch's items should not each build their field
    // names (10,000 a request) when nearly every one is good.
    const at = typeof field === "string" ? field : field();
    return {
      resource: parseObject(item.resource, { field: `${at}resource` }, "resource"),
      permission: item.permission,
      subject: parseSubject(item.subject, { field: `${at}subject` }),
      ...context,
    };
  }
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
      const requests = request.body.checks.map((c, i) => checkRequest(c, () => `checks[${i}].`));
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
