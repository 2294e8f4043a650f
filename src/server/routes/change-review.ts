import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { changeReview, changeSchemaDiff, planRows, planRowsCsvOf } from "../../service/change-review.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { PLAN_PAGE_DEFAULT, PLAN_PAGE_MAX } from "../../service/plan-rows.js";
import { ChangeReviewView, PlanRowsView, SchemaDiffView } from "../../service/views/plan-review.js";
import { changeNamed, requireStoreWide } from "../auth.js";
import { errorResponses, IdParams } from "../schemas.js";

const RowFilter = {
  plan: Type.Optional(
    Type.String({
      maxLength: 200,
      description: "the planId the caller is reading; refused (409) when the change has been planned again",
    }),
  ),
  usersets: Type.Optional(
    Type.Boolean({
      description: "the rows of userset subjects (`group:eng#member`) instead of the plain rows",
    }),
  ),
  change: Type.Optional(Type.Union([Type.Literal("gained"), Type.Literal("lost")])),
  tenant: Type.Optional(Type.String({ maxLength: 64 })),
  resourceType: Type.Optional(Type.String({ maxLength: 200 })),
  subject: Type.Optional(Type.String({ maxLength: 2200, description: "text the subject contains" })),
  resource: Type.Optional(Type.String({ maxLength: 2200, description: "text the resource contains" })),
  permission: Type.Optional(Type.String({ maxLength: 64, description: "text the permission contains" })),
};
const RowQuery = Type.Object(
  {
    ...RowFilter,
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: PLAN_PAGE_MAX,
        description: `rows in this page (default ${PLAN_PAGE_DEFAULT})`,
      }),
    ),
  },
  { additionalProperties: false },
);
type RowQuery = Static<typeof RowQuery>;
const CsvQuery = Type.Object(RowFilter, { additionalProperties: false });
/** Change tenants remembered by the access check. */
const TENANTS_KEPT = 10_000;

/**
 * A change as a reviewer reads it (the console's change page): its state, plan summary and the
 * actions the caller may take; the plan's rows by page, filtered, or as CSV; a model change's
 * schema diff. Read-only, role `check` on the change's tenant, as `GET /v1/changes/:id`.
 */
export function registerChangeReview(app: FastifyInstance, gatehouse: Gatehouse): void {
  // A change's tenant never changes: known once, it is not read again (reading a change reads
  // its plan, megabytes for a large one). Bounded, oldest forgotten first.
  const tenants = new Map<number, string>();
  const access = {
    role: "check" as const,
    named: changeNamed,
    // Authentication runs before validation, so the id is still the text of the path.
    tenant: async (request: FastifyRequest) => {
      const id = Number((request.params as { id: string }).id);
      if (!Number.isSafeInteger(id) || id < 1) return undefined;
      const known = tenants.get(id);
      if (known !== undefined) return known;
      const tenant = await gatehouse.changeTenant(id);
      if (tenant !== undefined) {
        if (tenants.size >= TENANTS_KEPT) tenants.delete(tenants.keys().next().value as number);
        tenants.set(id, tenant);
      }
      return tenant;
    },
  };
  /** The change, read once; one with `schema:` reaches every tenant: its plan lists every tenant's rows. */
  const readable = async (request: FastifyRequest, id: number) => {
    const change = await gatehouse.changes.get(id);
    if (change.spec.schema !== null)
      await requireStoreWide(request, gatehouse.audit, "a change with `schema:`");
    return change;
  };

  app.get<{ Params: { id: number } }>(
    "/v1/changes/:id/review",
    {
      config: { access },
      schema: {
        operationId: "reviewChange",
        summary:
          "A change for review: its state, its plan without the rows (with their counts) and the actions the caller may take now",
        tags: ["changes"],
        params: IdParams,
        response: { 200: ChangeReviewView, ...errorResponses },
      },
    },
    async (request) => {
      const change = await readable(request, request.params.id);
      // INVARIANT: routes with `access` run after authentication set the principal.
      return changeReview(gatehouse, change, request.principal!);
    },
  );

  app.get<{ Params: { id: number }; Querystring: RowQuery }>(
    "/v1/changes/:id/plan/rows",
    {
      config: { access },
      schema: {
        operationId: "planRows",
        summary:
          "One page of a change's plan rows (lost, then gained), filtered; `matched` counts every row the filter lets through",
        tags: ["changes"],
        params: IdParams,
        querystring: RowQuery,
        response: { 200: PlanRowsView, ...errorResponses },
      },
    },
    async (request) => {
      const change = await readable(request, request.params.id);
      const { offset, limit, ...filter } = request.query;
      return planRows(change, filter, { offset, limit });
    },
  );

  app.get<{ Params: { id: number }; Querystring: Static<typeof CsvQuery> }>(
    "/v1/changes/:id/plan/rows.csv",
    {
      config: { access },
      schema: {
        operationId: "planRowsCsv",
        summary: "Every plan row the filter lets through, as CSV (text/csv)",
        tags: ["changes"],
        params: IdParams,
        querystring: CsvQuery,
        response: { 200: Type.String({ description: "CSV with a header line" }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const csv = planRowsCsvOf(await readable(request, request.params.id), request.query);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="change-${request.params.id}-plan.csv"`)
        .send(csv);
    },
  );

  app.get<{ Params: { id: number } }>(
    "/v1/changes/:id/schema-diff",
    {
      config: { access },
      schema: {
        operationId: "changeSchemaDiff",
        summary: "A model change's schema against the one in force at its plan's base revision, line by line",
        tags: ["changes"],
        params: IdParams,
        response: { 200: SchemaDiffView, ...errorResponses },
      },
    },
    async (request) => {
      return changeSchemaDiff(gatehouse, await readable(request, request.params.id));
    },
  );
}
