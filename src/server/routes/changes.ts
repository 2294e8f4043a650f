import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { parseChangeFile } from "../../changes/change-file.js";
import { DEFAULT_GUARDS_TEXT } from "../../changes/guards.js";
import { GatehouseError } from "../../model/errors.js";
import { parseFilter } from "../../service/filter-text.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import type { ChangeRecord, ChangeState } from "../../service/records.js";
import {
  ApplyView,
  ApproveView,
  ChangeDetailView,
  ChangeListView,
  ChangeSummaryView,
  changeDetailJson,
  changeSummaryJson,
  GuardsView,
  guardsJson,
  PlanView,
  planJson,
  RevertView,
} from "../../service/views/change.js";
import { changeNamed, pathTenant, principalOf, requireStoreWide } from "../auth.js";
import { errorResponses, IdParams, Revision, TenantParams } from "../schemas.js";

/** Changes: propose, plan, approve, withdraw, reject, apply, revert; restore; guards. */
export function registerChanges(app: FastifyInstance, gatehouse: Gatehouse): void {
  /** A change's routes act on the change's tenant, which the token must be allowed. */
  const changeTenant = async (request: FastifyRequest) => {
    // Authentication runs before validation, so the id is still the text of the path.
    const id = Number((request.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id < 1) return undefined;
    return gatehouse.changeTenant(id);
  };
  const idRoute = (role: "check" | "propose" | "approve") => ({
    access: { role, tenant: changeTenant, named: changeNamed },
  });
  const SCHEMA_CHANGE = "a change with `schema:`";
  /**
   * The change a route acts on or shows. A change with `schema:` reaches every tenant (its plan
   * lists every tenant's rows), so it needs a store-wide token whatever tenant it is filed under.
   */
  const changeFor = async (request: FastifyRequest, id: number) => {
    const change = await gatehouse.changes.get(id);
    await storeWideIfSchema(request, change);
    return change;
  };
  const storeWideIfSchema = async (request: FastifyRequest, change: ChangeRecord) => {
    if (change.spec.schema !== null) await requireStoreWide(request, gatehouse.audit, SCHEMA_CHANGE);
  };

  app.post<{ Params: { tenant: string }; Body: { file: string } }>(
    "/v1/tenants/:tenant/changes",
    {
      config: { access: { role: "propose", tenant: pathTenant } },
      schema: {
        operationId: "proposeChange",
        summary:
          "Propose a change (the text of a change file, YAML); the change's own `tenant:` must match the path",
        tags: ["changes"],
        params: TenantParams,
        body: Type.Object({ file: Type.String({ maxLength: 20_000_000 }) }, { additionalProperties: false }),
        response: { 200: ChangeSummaryView, ...errorResponses },
      },
    },
    async (request) => {
      const file = parseChangeFile(request.body.file, "change");
      const tenant = request.params.tenant;
      if (file.tenant !== undefined && file.tenant !== tenant) {
        throw new GatehouseError(
          "input",
          `the change file names tenant \`${file.tenant}\` but was sent for \`${tenant}\``,
          { field: "file" },
        );
      }
      if (file.spec.schema !== null) await requireStoreWide(request, gatehouse.audit, SCHEMA_CHANGE);
      const record = await gatehouse.changes.propose(file, { tenant, actor: principalOf(request) });
      return changeSummaryJson(record);
    },
  );

  app.get<{ Querystring: { tenant?: string; state?: ChangeState; limit?: number } }>(
    "/v1/changes",
    {
      config: {
        access: { role: "check", tenant: (request) => (request.query as { tenant?: string }).tenant },
      },
      schema: {
        operationId: "listChanges",
        summary: "List changes, newest first",
        tags: ["changes"],
        querystring: Type.Object({
          tenant: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: { 200: ChangeListView, ...errorResponses },
      },
    },
    async (request) => {
      const allowed = request.principal?.tenants ?? null;
      const rows = await gatehouse.listChangeSummaries({
        ...(request.query.tenant ? { tenant: request.query.tenant } : {}),
        ...(request.query.state ? { state: request.query.state } : {}),
        // In the query, so that `limit` counts the changes the token may see.
        ...(allowed !== null ? { visibleTo: allowed } : {}),
        limit: request.query.limit ?? 100,
      });
      // A token limited to tenants sees their changes only, and no change with `schema:` (it
      // reaches every tenant).
      return {
        changes: rows
          .filter((c) => allowed === null || (allowed.includes(c.tenant) && !c.storeWide))
          .map(changeSummaryJson),
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    "/v1/changes/:id",
    {
      config: idRoute("check"),
      schema: {
        operationId: "getChange",
        summary: "A change, its plan and its history",
        tags: ["changes"],
        params: IdParams,
        response: { 200: ChangeDetailView, ...errorResponses },
      },
    },
    async (request) => {
      const { change, history } = await gatehouse.changeWithHistory(request.params.id);
      await storeWideIfSchema(request, change);
      return changeDetailJson(change, history);
    },
  );

  app.post<{ Params: { id: number } }>(
    "/v1/changes/:id/plan",
    {
      config: idRoute("propose"),
      schema: {
        operationId: "planChange",
        summary: "Plan a change: exactly who gains and who loses access",
        tags: ["changes"],
        params: IdParams,
        response: { 200: PlanView, ...errorResponses },
      },
    },
    async (request) => {
      await changeFor(request, request.params.id);
      const { change, plan } = await gatehouse.changes.plan(request.params.id, {
        actor: principalOf(request),
      });
      return planJson(change, plan);
    },
  );

  app.post<{ Params: { id: number }; Body: { plan: string; comment?: string } }>(
    "/v1/changes/:id/approve",
    {
      config: idRoute("approve"),
      schema: {
        summary:
          "Approve the plan a reviewer saw (never by its author); `plan` is its `planId`, refused (409) when the change has a newer plan",
        operationId: "approveChange",
        tags: ["changes"],
        params: IdParams,
        body: Type.Object(
          {
            plan: Type.String({ minLength: 1, maxLength: 200 }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ApproveView, ...errorResponses },
      },
    },
    async (request) => {
      await changeFor(request, request.params.id);
      const comment = request.body.comment;
      const { change, plan, approved } = await gatehouse.changes.approve(request.params.id, {
        actor: principalOf(request),
        plan: request.body.plan,
        ...(comment ? { comment } : {}),
      });
      return { ...planJson(change, plan), approved };
    },
  );

  app.post<{ Params: { id: number }; Body: { reason?: string } | undefined }>(
    "/v1/changes/:id/withdraw",
    {
      config: idRoute("propose"),
      schema: {
        summary: "Withdraw a proposed or planned change (its author only)",
        operationId: "withdrawChange",
        tags: ["changes"],
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: ChangeSummaryView, ...errorResponses },
      },
    },
    async (request) => {
      await changeFor(request, request.params.id);
      const reason = request.body?.reason;
      const change = await gatehouse.changes.withdraw(request.params.id, {
        actor: principalOf(request),
        ...(reason ? { reason } : {}),
      });
      return changeSummaryJson(change);
    },
  );

  app.post<{ Params: { id: number }; Body: { reason: string } }>(
    "/v1/changes/:id/reject",
    {
      config: idRoute("approve"),
      schema: {
        summary: "Reject a proposed or planned change, with the reason (role approve)",
        operationId: "rejectChange",
        tags: ["changes"],
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: ChangeSummaryView, ...errorResponses },
      },
    },
    async (request) => {
      await changeFor(request, request.params.id);
      const change = await gatehouse.changes.reject(request.params.id, {
        actor: principalOf(request),
        reason: request.body.reason,
      });
      return changeSummaryJson(change);
    },
  );

  app.post<{ Params: { id: number } }>(
    "/v1/changes/:id/apply",
    {
      config: idRoute("propose"),
      schema: {
        operationId: "applyChange",
        summary: "Apply a planned change as one new revision",
        tags: ["changes"],
        params: IdParams,
        response: { 200: ApplyView, ...errorResponses },
      },
    },
    async (request) => {
      await changeFor(request, request.params.id);
      const { change, plan, revision } = await gatehouse.changes.apply(request.params.id, {
        actor: principalOf(request),
      });
      return { id: change.id, state: change.state, revision, ...(plan.purge ? { purge: plan.purge } : {}) };
    },
  );

  app.post<{ Params: { id: number }; Body: { reason?: string } | undefined }>(
    "/v1/changes/:id/revert",
    {
      config: idRoute("propose"),
      schema: {
        operationId: "revertChange",
        summary:
          "Revert an applied change: its exact inverse, planned and applied; a revert still pending is returned (`existing`) instead of a second",
        tags: ["changes"],
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: RevertView, ...errorResponses },
      },
    },
    async (request) => {
      await changeFor(request, request.params.id);
      const reason = request.body?.reason;
      const { revert, plan, applied, existing } = await gatehouse.changes.revert(request.params.id, {
        actor: principalOf(request),
        ...(reason ? { reason } : {}),
      });
      return { ...planJson(revert, plan), applied, existing, revertOf: request.params.id };
    },
  );

  app.post<{
    Params: { tenant: string };
    Body: { toRevision: number; resource?: string; relation?: string; subject?: string; reason?: string };
  }>(
    "/v1/tenants/:tenant/restore",
    {
      config: { access: { role: "propose", tenant: pathTenant } },
      schema: {
        operationId: "proposeRestore",
        summary: "Propose the change that brings live relationships back to a past revision",
        tags: ["changes"],
        params: TenantParams,
        body: Type.Object(
          {
            toRevision: Revision,
            resource: Type.Optional(Type.String()),
            relation: Type.Optional(Type.String()),
            subject: Type.Optional(Type.String()),
            reason: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: ChangeSummaryView, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const record = await gatehouse.changes.restore(
        request.params.tenant,
        b.toRevision,
        parseFilter(b.resource, b.relation, b.subject),
        {
          actor: principalOf(request),
          ...(b.reason ? { reason: b.reason } : {}),
        },
      );
      return changeSummaryJson(record);
    },
  );

  app.get(
    "/v1/guards",
    {
      // Store-wide guards may name any tenant's relationships (an invariant's exceptions, an
      // assertion's tuples): a tenant-limited token does not read them.
      config: { access: { role: "check", tenant: "store" } },
      schema: {
        operationId: "readGuards",
        summary: "The guards in force",
        tags: ["guards"],
        response: { 200: GuardsView, ...errorResponses },
      },
    },
    async () => {
      return guardsJson(await gatehouse.readGuards(), DEFAULT_GUARDS_TEXT);
    },
  );

  app.put<{ Body: { guards: string } }>(
    "/v1/guards",
    {
      config: { access: { role: "admin", tenant: "store" } },
      schema: {
        operationId: "writeGuards",
        summary: "Write a new version of the guards (a guards file, YAML)",
        tags: ["guards"],
        body: Type.Object({ guards: Type.String({ maxLength: 1_000_000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ version: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => ({
      version: await gatehouse.changes.writeGuards(request.body.guards, {
        actor: principalOf(request),
        file: "guards",
      }),
    }),
  );
}
