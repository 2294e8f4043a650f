import { v1 } from "@authzed/authzed-node";
import type { CheckRequest } from "../engine/engine.js";
import type { ExplainNode } from "../engine/explain-node.js";
import { GatehouseError } from "../model/errors.js";
import { type Gatehouse, lookupResourcesQuery } from "../service/gatehouse.js";
import { encodeCursor, PAGE_SIZE_DEFAULT } from "../service/pages.js";
import type { Caller } from "./call-auth.js";
import { confirmSnapshot, consistencyOptions, type Freshness, freshnessOf } from "./consistency.js";
import { type Answer, answerOf, debugInformation } from "./debug-trace.js";
import type { SpicedbDoor } from "./door.js";
import { ERROR_INFO_TYPE, encodeErrorInfo } from "./error-info.js";
import { objectOf, subjectOf } from "./relationships.js";
import { contextOf, optionalLimit, requiredText } from "./requests.js";
import type { Call, ServerStream, ServiceHandlers, Unary } from "./rpc.js";
import { type Names, unknownName } from "./schema-names.js";
import { SpicedbError, toStatus } from "./status.js";
import { encodeZedToken } from "./zedtoken.js";

const { HAS_PERMISSION, NO_PERMISSION, CONDITIONAL_PERMISSION } = v1.CheckPermissionResponse_Permissionship;

/** The most items one CheckBulkPermissions takes (Gatehouse's batch bound). */
export const MAX_BULK_CHECKS = 10_000;
/** The most results one LookupResources streams when asked for a limit. */
const MAX_LOOKUP_LIMIT = 10_000;

/**
 * The subject of a check or a resource lookup: a wildcard (`user:*`) is refused as SpiceDB
 * refuses it (INVALID_ARGUMENT): `*` is a relationship's subject, not someone to ask about.
 */
function askedSubjectOf(ref: v1.SubjectReference | undefined, path: string) {
  const subject = subjectOf(ref, path);
  if (subject.id === "*")
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}\`: cannot check or look up for a wildcard subject (\`${subject.type}:*\`); name a subject`,
      undefined,
      // SpiceDB names the field within the check, also for a bulk item.
      { reason: "ERROR_REASON_WILDCARD_NOT_ALLOWED", metadata: { field: "subject.object_id" } },
    );
  return subject;
}

function checkRequestOf(
  item: { resource?: v1.ObjectReference; permission: string; subject?: v1.SubjectReference },
  prefix: string,
): CheckRequest {
  return {
    resource: objectOf(item.resource, `${prefix}resource`),
    permission: requiredText(item.permission, `${prefix}permission`),
    subject: askedSubjectOf(item.subject, `${prefix}subject`),
  };
}

/** The names a check gives, for `unknownName`. */
const namesOf = (c: CheckRequest): Names => ({
  resourceType: c.resource.type,
  relation: c.permission,
  subjectType: c.subject.type,
  subjectRelation: c.subject.relation,
});

async function checkPermission(door: SpicedbDoor, request: v1.CheckPermissionRequest, call: Call) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const context = contextOf(request.context);
  const check = { ...checkRequestOf(request, ""), ...(context ? { context } : {}) };
  const unknown = await unknownName(caller.gatehouse, namesOf(check));
  if (unknown) throw unknown;
  const freshness = await freshnessOf(request.consistency, caller.gatehouse);
  for (let attempt = 1; ; attempt++) {
    const result = await caller.gatehouse.check(caller.tenant, check, consistencyOptions(freshness));
    const trace = request.withTracing ? await traceOf(caller, check, request, result) : undefined;
    if (trace === null) {
      if (attempt < MAX_TRACE_ATTEMPTS) continue;
      throw traceRaced();
    }
    const revision = await confirmSnapshot(caller.gatehouse, caller.tenant, freshness, result.revision);
    const debug = trace ? { debugTrace: trace } : {};
    if (result.conditional)
      return {
        checkedAt: encodeZedToken(revision),
        permissionship: CONDITIONAL_PERMISSION,
        partialCaveatInfo: { missingRequiredContext: [...result.conditional] },
        ...debug,
      } satisfies Partial<v1.CheckPermissionResponse>;
    return {
      checkedAt: encodeZedToken(revision),
      permissionship: result.allowed ? HAS_PERMISSION : NO_PERMISSION,
      ...debug,
    } satisfies Partial<v1.CheckPermissionResponse>;
  }
}

/** How many times a traced check is asked again when a write lands between it and its trace. */
const MAX_TRACE_ATTEMPTS = 5;

const traceRaced = () =>
  new SpicedbError(
    "ABORTED",
    `the relationships changed between the check and its trace ${MAX_TRACE_ATTEMPTS} times running: retry, or trace at an exact snapshot`,
  );

/**
 * The most explanation steps the traces of one CheckBulkPermissions may take in all. Each trace
 * is bounded on its own (`MAX_EXPLAIN_STEPS`), but 10,000 items, each traced just under that
 * bound over data whose objects reach the same objects by many paths, would keep a node busy for
 * an hour from one call; ordinary traces are tens to thousands of steps.
 */
export const MAX_TRACED_STEPS = 1_000_000;

const tracesTooLarge = () =>
  new SpicedbError(
    "RESOURCE_EXHAUSTED",
    `the traces of this request take more than ${MAX_TRACED_STEPS.toLocaleString("en")} steps in all: trace fewer items a request, or ask without \`with_tracing\``,
  );

/** Steps of an explanation: its nodes. */
function stepsOf(node: ExplainNode): number {
  let steps = 1;
  for (const child of node.children) steps += stepsOf(child);
  return steps;
}

const answerOfResult = (r: { allowed: boolean; conditional?: readonly string[] | undefined }): Answer =>
  r.conditional ? "conditional" : r.allowed ? "has" : "no";

/**
 * `with_tracing`: SpiceDB's debug trace of a check, built from Gatehouse's explanation of it at
 * the check's revision (or later). `null` when the explanation's answer is not the check's (a
 * write landed between them): the caller asks both again, so that the trace always explains the
 * answer sent with it.
 */
async function traceOf(
  caller: Caller,
  check: CheckRequest,
  asked: { resource?: v1.ObjectReference; permission: string; subject?: v1.SubjectReference },
  result: { allowed: boolean; conditional?: readonly string[] | undefined; revision: number },
  budget?: { steps: number },
): Promise<v1.CheckPermissionResponse["debugTrace"] | null> {
  const started = performance.now();
  const explained = await caller.gatehouse.explain(caller.tenant, check, {
    atLeastRevision: result.revision,
  });
  if (budget !== undefined) {
    budget.steps -= stepsOf(explained.tree);
    if (budget.steps < 0) throw tracesTooLarge();
  }
  const answer = answerOfResult(result);
  if (answerOf(explained.tree) !== answer) return null;
  const schema = (await caller.gatehouse.readSchema())?.text ?? "";
  return debugInformation(
    {
      resource: asked.resource as v1.ObjectReference,
      permission: asked.permission,
      subject: asked.subject as v1.SubjectReference,
    },
    explained.tree,
    answer,
    schema,
    (performance.now() - started) / 1000,
  );
}

/**
 * Answers each item on its own: an item that is malformed or names what the schema lacks gets
 * its own error status in its pair, and the others are answered, all at one revision.
 */
async function checkBulkPermissions(door: SpicedbDoor, request: v1.CheckBulkPermissionsRequest, call: Call) {
  const caller = await door.auth.authorize(call, { role: "check" });
  if (request.items.length > MAX_BULK_CHECKS)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`items\`: at most ${MAX_BULK_CHECKS.toLocaleString("en")} checks a request, got ${request.items.length}`,
    );
  const freshness = await freshnessOf(request.consistency, caller.gatehouse);
  const errors = new Map<number, unknown>();
  const checks = new Map<number, CheckRequest>();
  for (const [i, item] of request.items.entries()) {
    try {
      const context = contextOf(item.context);
      const check = { ...checkRequestOf(item, `items[${i}].`), ...(context ? { context } : {}) };
      const unknown = await unknownName(caller.gatehouse, namesOf(check), `items[${i}].`);
      if (unknown) throw unknown;
      checks.set(i, check);
    } catch (error) {
      errors.set(i, error);
    }
  }
  let answers = await checkEach(caller.gatehouse, caller, freshness, checks, errors);
  const traces = new Map<number, v1.CheckPermissionResponse["debugTrace"]>();
  // One budget for the whole request, retries included (see `MAX_TRACED_STEPS`).
  const budget = { steps: MAX_TRACED_STEPS };
  for (let attempt = 1; request.withTracing; attempt++) {
    traces.clear();
    for (const [i, check] of checks) {
      const allowed = answers.allowed.get(i);
      if (allowed === undefined) continue;
      const result = { allowed, conditional: answers.conditional.get(i), revision: answers.revision };
      const trace = await traceOf(
        caller,
        check,
        request.items[i] as v1.CheckBulkPermissionsRequestItem,
        result,
        budget,
      );
      if (trace === null) break;
      traces.set(i, trace);
    }
    if (traces.size === answers.allowed.size) break;
    if (attempt >= MAX_TRACE_ATTEMPTS) throw traceRaced();
    answers = await checkEach(caller.gatehouse, caller, freshness, checks, errors);
  }
  const revision = await confirmSnapshot(caller.gatehouse, caller.tenant, freshness, answers.revision);
  return {
    checkedAt: encodeZedToken(revision),
    pairs: request.items.map((item, i) => {
      const allowed = answers.allowed.get(i);
      const missing = answers.conditional.get(i);
      if (missing)
        return {
          request: item,
          response: {
            oneofKind: "item" as const,
            item: {
              permissionship: CONDITIONAL_PERMISSION,
              partialCaveatInfo: { missingRequiredContext: [...missing] },
              ...(traces.has(i) ? { debugTrace: traces.get(i) } : {}),
            },
          },
        };
      if (allowed !== undefined)
        return {
          request: item,
          response: {
            oneofKind: "item" as const,
            item: {
              permissionship: allowed ? HAS_PERMISSION : NO_PERMISSION,
              ...(traces.has(i) ? { debugTrace: traces.get(i) } : {}),
            },
          },
        };
      const error = errors.get(i);
      const status = toStatus(error, () => undefined);
      const info = error instanceof SpicedbError ? error.info : undefined;
      const details = info ? [{ typeUrl: ERROR_INFO_TYPE, value: encodeErrorInfo(info) }] : [];
      return {
        request: item,
        response: {
          oneofKind: "error" as const,
          error: { code: status.code, message: status.details, details },
        },
      };
    }),
  };
}

/**
 * Gatehouse's batch check answers all or none, naming each bad check by its index; the bad ones
 * are set aside with their error and the batch is asked again without them.
 */
async function checkEach(
  gatehouse: Gatehouse,
  caller: Caller,
  freshness: Freshness,
  checks: Map<number, CheckRequest>,
  errors: Map<number, unknown>,
): Promise<{
  allowed: Map<number, boolean>;
  conditional: Map<number, readonly string[]>;
  revision: number;
}> {
  for (;;) {
    const indexes = [...checks.keys()];
    try {
      const batch = await gatehouse.checkBatch(
        caller.tenant,
        indexes.map((i) => checks.get(i) as CheckRequest),
        { ...consistencyOptions(freshness), placeOf: (k) => ({ field: String(indexes[k]) }) },
      );
      const conditional = new Map<number, readonly string[]>();
      indexes.forEach((i, k) => {
        const missing = batch.conditional?.[k];
        if (missing) conditional.set(i, missing);
      });
      return {
        allowed: new Map(indexes.map((i, k) => [i, batch.results[k] as boolean])),
        conditional,
        revision: batch.revision,
      };
    } catch (error) {
      const each =
        error instanceof GatehouseError ? (error.details.length > 0 ? error.details : [error]) : [];
      const bad = each.map((e) => Number(e.place?.field)).filter((i) => checks.has(i));
      // Not an error of particular checks (no schema, a revision not reached): the whole call fails.
      if (bad.length === 0) throw error;
      for (const e of each) {
        const i = Number(e.place?.field);
        if (checks.delete(i))
          errors.set(i, new GatehouseError(e.kind, e.message, undefined, [], undefined, e.reason));
      }
    }
  }
}

/**
 * Streams the resources, in id order, each with a cursor that continues right after it at the
 * first page's revision (`optional_limit` 0: all of them).
 */
async function lookupResources(
  door: SpicedbDoor,
  request: v1.LookupResourcesRequest,
  call: Call,
  send: (message: v1.LookupResourcesResponse) => Promise<void>,
) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const context = contextOf(request.context);
  const resourceType = requiredText(request.resourceObjectType, "resource_object_type");
  const permission = requiredText(request.permission, "permission");
  const subject = askedSubjectOf(request.subject, "subject");
  const unknown = await unknownName(caller.gatehouse, {
    resourceType,
    relation: permission,
    subjectType: subject.type,
    subjectRelation: subject.relation,
  });
  if (unknown) throw unknown;
  const limit = optionalLimit(request.optionalLimit, MAX_LOOKUP_LIMIT, "optional_limit");
  const freshness = await freshnessOf(request.consistency, caller.gatehouse);
  // The query key Gatehouse's own lookup cursors carry (Gatehouse.lookupResources), so that a
  // cursor can continue after any item, not only after a page's last.
  const query = lookupResourcesQuery(caller.tenant, resourceType, permission, subject, context);
  let cursor = request.optionalCursor?.token || undefined;
  let left = limit ?? Number.POSITIVE_INFINITY;
  let token: { token: string } | undefined;
  while (left > 0 && !call.cancelled()) {
    const page = await caller.gatehouse.lookupResources(caller.tenant, resourceType, permission, subject, {
      ...(cursor === undefined ? consistencyOptions(freshness) : {}),
      limit: Math.min(left, PAGE_SIZE_DEFAULT),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(context ? { context } : {}),
    });
    token ??= encodeZedToken(
      await confirmSnapshot(caller.gatehouse, caller.tenant, freshness, page.revision),
    );
    const schema = JSON.stringify(page.schema);
    for (const resource of page.resources) {
      const after = encodeCursor({
        kind: "resources",
        query,
        revision: page.revision,
        schema,
        after: resource.id,
      });
      await send({
        lookedUpAt: token,
        resourceObjectId: resource.id,
        ...lookupPermissionship(resource.conditional),
        afterResultCursor: { token: after },
      });
    }
    left -= page.resources.length;
    if (page.cursor === null) return;
    cursor = page.cursor;
  }
}

/**
 * Streams every subject: a wildcard first (with the subjects it excludes), then by id. SpiceDB
 * itself does not implement `optional_concrete_limit` and cursors here; neither does Gatehouse.
 */
async function lookupSubjects(
  door: SpicedbDoor,
  request: v1.LookupSubjectsRequest,
  call: Call,
  send: (message: v1.LookupSubjectsResponse) => Promise<void>,
) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const context = contextOf(request.context);
  if (request.optionalConcreteLimit !== 0 || request.optionalCursor !== undefined)
    throw new SpicedbError(
      "UNIMPLEMENTED",
      "`optional_concrete_limit` and `optional_cursor` are not supported on LookupSubjects (as in SpiceDB): every subject is streamed",
    );
  const resource = objectOf(request.resource, "resource");
  const permission = requiredText(request.permission, "permission");
  const subjectType = requiredText(request.subjectObjectType, "subject_object_type");
  const relation = request.optionalSubjectRelation;
  const subjectRelation = relation === "" || relation === "..." ? undefined : relation;
  const unknown = await unknownName(caller.gatehouse, {
    resourceType: resource.type,
    relation: permission,
    subjectType,
    subjectRelation,
  });
  if (unknown) throw unknown;
  const withWildcards = request.wildcardOption !== v1.LookupSubjectsRequest_WildcardOption.EXCLUDE_WILDCARDS;
  const freshness = await freshnessOf(request.consistency, caller.gatehouse);
  const has = v1.LookupPermissionship.HAS_PERMISSION;
  let cursor: string | undefined;
  let token: { token: string } | undefined;
  do {
    const page = await caller.gatehouse.lookupSubjects(
      caller.tenant,
      resource,
      permission,
      subjectType,
      subjectRelation,
      {
        ...(cursor === undefined ? consistencyOptions(freshness) : { cursor }),
        ...(context ? { context } : {}),
      },
    );
    token ??= encodeZedToken(
      await confirmSnapshot(caller.gatehouse, caller.tenant, freshness, page.revision),
    );
    for (const found of page.subjects) {
      if (found.subject.id === "*" && !withWildcards) continue;
      const excluded = found.excluded.map((s) => s.id);
      const answer = lookupPermissionship(found.conditional);
      // The deprecated top-level fields repeat the subject's, as SpiceDB fills them.
      await send({
        lookedUpAt: token,
        subjectObjectId: found.subject.id,
        excludedSubjectIds: excluded,
        ...answer,
        subject: { subjectObjectId: found.subject.id, ...answer },
        excludedSubjects: excluded.map((id) => ({ subjectObjectId: id, permissionship: has })),
      });
    }
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined && !call.cancelled());
}

/**
 * A lookup item's permissionship: HAS_PERMISSION, or CONDITIONAL_PERMISSION with the context
 * parameters the request lacks (`partial_caveat_info.missing_required_context`), as SpiceDB answers.
 */
function lookupPermissionship(conditional: readonly string[] | undefined): {
  permissionship: v1.LookupPermissionship;
  partialCaveatInfo?: v1.PartialCaveatInfo;
} {
  if (!conditional) return { permissionship: v1.LookupPermissionship.HAS_PERMISSION };
  return {
    permissionship: v1.LookupPermissionship.CONDITIONAL_PERMISSION,
    partialCaveatInfo: { missingRequiredContext: [...conditional] },
  };
}

export function permissionsHandlers(door: SpicedbDoor): ServiceHandlers {
  const bulk: Unary<v1.CheckBulkPermissionsRequest, unknown> = (r, c) => checkBulkPermissions(door, r, c);
  return {
    CheckPermission: ((r, c) => checkPermission(door, r, c)) satisfies Unary<
      v1.CheckPermissionRequest,
      unknown
    >,
    CheckBulkPermissions: bulk,
    LookupResources: ((r, c, s) => lookupResources(door, r, c, s)) satisfies ServerStream<
      v1.LookupResourcesRequest,
      v1.LookupResourcesResponse
    >,
    LookupSubjects: ((r, c, s) => lookupSubjects(door, r, c, s)) satisfies ServerStream<
      v1.LookupSubjectsRequest,
      v1.LookupSubjectsResponse
    >,
  };
}

/** ExperimentalService's BulkCheckPermission has CheckBulkPermissions' shape (older clients call it). */
export function experimentalCheckHandler(door: SpicedbDoor): Unary<v1.CheckBulkPermissionsRequest, unknown> {
  return (r, c) => checkBulkPermissions(door, r, c);
}
