import { v1 } from "@authzed/authzed-node";
import { GatehouseError } from "../model/errors.js";
import {
  formatRelationship,
  parseRelationship,
  type Relationship,
  relationshipKey,
} from "../model/relationship.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { IMPORT_MAX_LINES } from "../service/import-limits.js";
import { encodeCursor, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, queryDigest } from "../service/pages.js";
import type {
  RelationshipFilter,
  RelationshipUpdate,
  Revision,
  UpdateOperation,
} from "../service/records.js";
import type { Caller } from "./call-auth.js";
import { freshnessOf, storeRevision } from "./consistency.js";
import { DOOR, type SpicedbDoor } from "./door.js";
import type { ErrorInfo } from "./error-info.js";
import {
  checkPreconditionsNow,
  preconditionsOf,
  spicedbWrites,
  withPreconditionInfo,
} from "./preconditions.js";
import {
  prefixedFilterOf,
  relationshipOf,
  requireSomeField,
  selectsPrefix,
  toRelationship,
} from "./relationships.js";
import { optionalLimit } from "./requests.js";
import type { Call, ClientStream, ServerStream, ServiceHandlers, Unary } from "./rpc.js";
import { checkFilterNames } from "./schema-names.js";
import { SpicedbError } from "./status.js";
import { transactionMetadataReason } from "./transaction-metadata.js";
import { encodeZedToken } from "./zedtoken.js";

/** The most relationships a delete without a resource type removes by name (the bulk delete's bound). */
const MAX_DELETE_BY_NAME = 100_000;

/** The most updates one WriteRelationships takes (Gatehouse's batch bound). */
const MAX_UPDATES = 10_000;

const OPERATIONS: Record<number, UpdateOperation> = {
  [v1.RelationshipUpdate_Operation.CREATE]: "create",
  [v1.RelationshipUpdate_Operation.TOUCH]: "touch",
  [v1.RelationshipUpdate_Operation.DELETE]: "delete",
};

function writeOptions(caller: Caller, filter?: RelationshipFilter, metadata?: v1.PbStruct) {
  const reason = transactionMetadataReason(metadata);
  return {
    actor: caller.token.name,
    door: DOOR,
    requestId: caller.requestId,
    ...(filter ? { filter } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** The query key Gatehouse's own relationship cursors carry (`Gatehouse.readRelationshipsPage`). */
function readQuery(tenant: string, f: RelationshipFilter): string {
  return queryDigest([
    tenant,
    f.resourceType,
    f.resourceId,
    f.relation,
    f.subjectType,
    f.subjectId,
    f.subjectRelation,
  ]);
}

function cursorAfter(query: string, revision: Revision, r: Relationship): string {
  // The six columns of the tuple order reads are paged in ('' for a subject without a relation).
  const after = [
    r.resource.type,
    r.resource.id,
    r.relation,
    r.subject.type,
    r.subject.id,
    r.subject.relation ?? "",
  ];
  return encodeCursor({ kind: "relationships", query, revision, schema: "", after });
}

/** What a relationship read or export asks for, in Gatehouse's terms. */
interface RelationshipRead {
  readonly tenant: string;
  readonly filter: RelationshipFilter;
  readonly consistency: v1.Consistency | undefined;
  readonly cursor: v1.Cursor | undefined;
}

/**
 * The pages of a relationship read, in tuple order, all at the first page's revision (a cursor's
 * own); `size` says how many the next page may hold (0: stop).
 */
async function* relationshipPages(
  gatehouse: Gatehouse,
  read: RelationshipRead,
  call: Call,
  size: () => number,
) {
  let cursor = read.cursor?.token || undefined;
  const freshness = await freshnessOf(read.consistency, gatehouse);
  const first = cursor === undefined ? await storeRevision(gatehouse, freshness) : undefined;
  const query = readQuery(read.tenant, read.filter);
  while (size() > 0 && !call.cancelled()) {
    const page = await gatehouse.readRelationshipsPage(read.tenant, read.filter, {
      limit: size(),
      ...(cursor !== undefined ? { cursor } : { atRevision: first }),
    });
    yield { ...page, after: (r: Relationship) => cursorAfter(query, page.revision, r) };
    if (page.cursor === null) return;
    cursor = page.cursor;
  }
}

/** Streams the relationships a filter selects, in tuple order, each with a cursor right after it. */
async function readRelationships(
  door: SpicedbDoor,
  request: v1.ReadRelationshipsRequest,
  call: Call,
  send: (message: v1.ReadRelationshipsResponse) => Promise<void>,
) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const prefixed = prefixedFilterOf(request.relationshipFilter, "relationship_filter");
  requireSomeField(prefixed, "relationship_filter");
  const { filter, resourceIdPrefix } = prefixed;
  await checkFilterNames(caller.gatehouse, filter, "relationship_filter");
  const limit = optionalLimit(request.optionalLimit, PAGE_SIZE_MAX, "optional_limit");
  let left = limit ?? Number.POSITIVE_INFINITY;
  const read = {
    tenant: caller.tenant,
    filter,
    consistency: request.consistency,
    cursor: request.optionalCursor,
  };
  for await (const page of relationshipPages(caller.gatehouse, read, call, () =>
    Math.min(left, PAGE_SIZE_DEFAULT),
  )) {
    const readAt = encodeZedToken(page.revision);
    for (const r of page.relationships) {
      if (!selectsPrefix(resourceIdPrefix, r)) continue;
      await send({ readAt, relationship: toRelationship(r), afterResultCursor: { token: page.after(r) } });
      left -= 1;
    }
  }
}

/**
 * A direct write through the `direct-writes` guards, all or nothing, after its preconditions.
 * A DELETE of a relationship that is not live is no error (as in SpiceDB) and is left out.
 */
async function writeRelationships(door: SpicedbDoor, request: v1.WriteRelationshipsRequest, call: Call) {
  const caller = await door.auth.authorize(call, { role: "write" });
  if (request.updates.length > MAX_UPDATES)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`updates\`: at most ${MAX_UPDATES.toLocaleString("en")} a request, got ${request.updates.length}`,
    );
  const updates: RelationshipUpdate[] = request.updates.map((u, i) => {
    const operation = OPERATIONS[u.operation];
    if (operation === undefined)
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `\`updates[${i}].operation\` must be CREATE, TOUCH or DELETE`,
      );
    return { operation, relationship: relationshipOf(u.relationship, `updates[${i}].relationship`) };
  });
  refuseRepeats(updates);
  const preconditions = preconditionsOf(request.optionalPreconditions);
  const g = caller.gatehouse;
  return spicedbWrites.run(() =>
    withPreconditionInfo(request.optionalPreconditions, async () => {
      const live: RelationshipUpdate[] = [];
      /** Each live update's index in the request. */
      const at: number[] = [];
      for (const [i, update] of updates.entries()) {
        if (update.operation === "delete" && !(await isLive(g, caller.tenant, update.relationship))) continue;
        live.push(update);
        at.push(i);
      }
      if (live.length === 0) {
        await checkPreconditionsNow(g, caller.tenant, preconditions);
        return { writtenAt: encodeZedToken(await g.headRevision()) };
      }
      try {
        const result = await g.writeRelationships(caller.tenant, live, {
          ...writeOptions(caller, undefined, request.optionalTransactionMetadata),
          preconditions,
          placeOf: (i) => ({ field: `updates[${at[i]}]` }),
        });
        return { writtenAt: encodeZedToken(result.revision) };
      } catch (error) {
        throw alreadyExists(error, (field) => {
          const index = /^updates\[(\d+)\]$/.exec(field)?.[1];
          return index === undefined ? undefined : updates[Number(index)]?.relationship;
        });
      }
    }),
  );
}

/**
 * A CREATE (or an import) of a live relationship: SpiceDB's ALREADY_EXISTS, its message and its
 * ErrorInfo (`ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP`, the relationship and its parts),
 * as SpiceDB's `CreateRelationshipExistsError` gives them, for the first such relationship;
 * `relationshipAt` finds it from the place of the conflict. Any other error is left as it is.
 */
export function alreadyExists(
  error: unknown,
  relationshipAt: (field: string) => Relationship | undefined,
): unknown {
  if (!(error instanceof GatehouseError) || !error.hasReason("already_exists")) return error;
  const first = [error, ...error.details].find((e) => e.reason === "already_exists");
  const r = first === undefined ? undefined : relationshipAt(first.place?.field ?? "");
  if (r === undefined) return error;
  return new SpicedbError("ALREADY_EXISTS", alreadyExistsMessage(r), undefined, alreadyExistsInfo(r));
}

export function alreadyExistsMessage(r: Relationship): string {
  return `could not CREATE relationship \`${relationshipKey(r)}\`, as it already existed. If this is persistent, please switch to TOUCH operations or specify a precondition`;
}

export function alreadyExistsInfo(r: Relationship): ErrorInfo {
  return {
    reason: "ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP",
    metadata: {
      relationship: relationshipKey(r),
      resource_type: r.resource.type,
      resource_object_id: r.resource.id,
      resource_relation: r.relation,
      subject_type: r.subject.type,
      subject_object_id: r.subject.id,
      subject_relation: r.subject.relation ?? "",
    },
  };
}

/**
 * One relationship twice in one WriteRelationships (a TOUCH and a DELETE of it, say) is refused
 * as SpiceDB refuses it (INVALID_ARGUMENT): which of the two would win is not the client's to guess.
 */
function refuseRepeats(updates: readonly RelationshipUpdate[]): void {
  const seen = new Map<string, number>();
  updates.forEach((u, i) => {
    const key = relationshipKey(u.relationship);
    const first = seen.get(key);
    if (first !== undefined)
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `\`updates[${i}]\` names the relationship \`updates[${first}]\` names (\`${key}\`): a relationship may be updated once a request; nothing was written`,
        undefined,
        // SpiceDB's `ErrDuplicateRelationshipError` detail.
        {
          reason: "ERROR_REASON_UPDATES_ON_SAME_RELATIONSHIP",
          metadata: {
            definition_name: u.relationship.resource.type,
            relationship: formatRelationship(u.relationship),
          },
        },
      );
    seen.set(key, i);
  });
}

async function isLive(g: Gatehouse, tenant: string, r: Relationship): Promise<boolean> {
  const exact: RelationshipFilter = {
    resourceType: r.resource.type,
    resourceId: r.resource.id,
    relation: r.relation,
    subjectType: r.subject.type,
    subjectId: r.subject.id,
    subjectRelation: r.subject.relation ?? null,
  };
  return (await g.readRelationships(tenant, exact, { limit: 1 })).length > 0;
}

/**
 * Deletes what a filter selects as one guarded direct write. Nothing selected is no error.
 * With `optional_limit`, more than the limit is refused unless `optional_allow_partial_deletions`,
 * which deletes the first `limit` in tuple order and answers PARTIAL.
 */
async function deleteRelationships(door: SpicedbDoor, request: v1.DeleteRelationshipsRequest, call: Call) {
  const caller = await door.auth.authorize(call, { role: "write" });
  if (!request.relationshipFilter)
    throw new SpicedbError("INVALID_ARGUMENT", "`relationship_filter` is required");
  const prefixed = prefixedFilterOf(request.relationshipFilter, "relationship_filter");
  requireSomeField(prefixed, "relationship_filter");
  const { filter, resourceIdPrefix } = prefixed;
  await checkFilterNames(caller.gatehouse, filter, "relationship_filter");
  const limit = optionalLimit(request.optionalLimit, PAGE_SIZE_MAX, "optional_limit");
  const { COMPLETE, PARTIAL } = v1.DeleteRelationshipsResponse_DeletionProgress;
  const preconditions = preconditionsOf(request.optionalPreconditions);
  const g = caller.gatehouse;
  return spicedbWrites.run(() => withPreconditionInfo(request.optionalPreconditions, () => deleteSelected()));
  async function deleteSelected() {
    await g.catchUp();
    const nothing = async () => {
      await checkPreconditionsNow(g, caller.tenant, preconditions);
      return {
        deletedAt: encodeZedToken(await g.headRevision()),
        deletionProgress: COMPLETE,
        relationshipsDeletedCount: "0",
      };
    };
    // Gatehouse's bulk delete needs a resource type; without one (a subject filter alone), the
    // rows are read and deleted by name, as with a limit, within the same bound.
    if (limit === undefined && filter.resourceType !== undefined && resourceIdPrefix === undefined) {
      try {
        const result = await g.deleteRelationships(caller.tenant, filter, {
          ...writeOptions(caller, undefined, request.optionalTransactionMetadata),
          preconditions,
        });
        return {
          deletedAt: encodeZedToken(result.revision),
          deletionProgress: COMPLETE,
          relationshipsDeletedCount: String(result.deleted.length),
        };
      } catch (error) {
        // Deleting nothing is not an error in SpiceDB.
        if (error instanceof GatehouseError && error.kind === "not_found") return nothing();
        throw error;
      }
    }
    const bound = limit ?? MAX_DELETE_BY_NAME;
    // With an id prefix, what the rest of the filter selects is read (within the bound) and the
    // prefix applied to it.
    const read = resourceIdPrefix === undefined ? bound + 1 : MAX_DELETE_BY_NAME + 1;
    const selected = await g.readRelationships(caller.tenant, filter, { limit: read });
    if (selected.length > MAX_DELETE_BY_NAME)
      throw new SpicedbError(
        "FAILED_PRECONDITION",
        `the filter selects more than ${MAX_DELETE_BY_NAME.toLocaleString("en")} relationships; name a resource type (and no id prefix), or narrow it; nothing was deleted`,
      );
    const rows = selected.filter((r) => selectsPrefix(resourceIdPrefix, r));
    if (rows.length === 0) return nothing();
    const partial = rows.length > bound;
    // SpiceDB's code for it: the request cannot be done in one transaction as asked.
    if (partial && !request.optionalAllowPartialDeletions)
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `the filter selects more than \`optional_limit\` (${limit}) relationships and \`optional_allow_partial_deletions\` is false; nothing was deleted`,
      );
    const chosen = rows.slice(0, bound);
    const result = await g.writeRelationships(
      caller.tenant,
      chosen.map((r) => ({
        operation: "delete" as const,
        relationship: { resource: r.resource, relation: r.relation, subject: r.subject },
      })),
      { ...writeOptions(caller, filter, request.optionalTransactionMetadata), preconditions },
    );
    return {
      deletedAt: encodeZedToken(result.revision),
      deletionProgress: partial ? PARTIAL : COMPLETE,
      relationshipsDeletedCount: String(result.deleted.length),
    };
  }
}

/**
 * Imports a stream of relationships as Gatehouse's import does: all or nothing, one revision,
 * through the direct-writes guards; one already live refuses the whole import, as in SpiceDB.
 */
async function importBulk(
  door: SpicedbDoor,
  requests: AsyncIterable<{ relationships: v1.Relationship[] }>,
  call: Call,
) {
  const caller = await door.auth.authorize(call, { role: "write" });
  const lines: string[] = [];
  /**
   * The keys of the relationships given: SpiceDB CREATEs each, so one given twice fails the
   * import. Keys only (an import holds up to a million): a conflict's relationship is read back
   * from its key.
   */
  const given = new Set<string>();
  for await (const batch of requests) {
    for (const r of batch.relationships) {
      if (lines.length >= IMPORT_MAX_LINES)
        throw new SpicedbError(
          "RESOURCE_EXHAUSTED",
          `an import takes at most ${IMPORT_MAX_LINES.toLocaleString("en")} relationships: split it; nothing was written`,
        );
      const relationship = relationshipOf(r, `relationships[${lines.length}]`);
      const key = relationshipKey(relationship);
      if (given.has(key))
        throw new SpicedbError(
          "ALREADY_EXISTS",
          alreadyExistsMessage(relationship),
          undefined,
          alreadyExistsInfo(relationship),
        );
      given.add(key);
      lines.push(formatRelationship(relationship));
    }
  }
  if (lines.length === 0) return { numLoaded: "0" };
  const result = await spicedbWrites
    .run(() =>
      caller.gatehouse.importRelationships(caller.tenant, lines.join("\n"), {
        ...writeOptions(caller),
        file: "import",
        // As SpiceDB: a relationship live already fails the import (ALREADY_EXISTS), which the
        // clients' retrying importers (conflict strategies SKIP, TOUCH, FAIL) branch on.
        refuseLive: true,
      }),
    )
    .catch((error: unknown) => {
      const live = error instanceof GatehouseError ? error.facts?.relationship : undefined;
      throw typeof live === "string" && given.has(live)
        ? alreadyExists(error, () => parseRelationship(live))
        : error;
    });
  return { numLoaded: String(result.created.length) };
}

/** Streams every relationship (or those a filter selects) in pages, each with its cursor. */
async function exportBulk(
  door: SpicedbDoor,
  request: v1.ExportBulkRelationshipsRequest,
  call: Call,
  send: (message: v1.ExportBulkRelationshipsResponse) => Promise<void>,
) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const { filter, resourceIdPrefix } = prefixedFilterOf(
    request.optionalRelationshipFilter,
    "optional_relationship_filter",
  );
  const size = optionalLimit(request.optionalLimit, PAGE_SIZE_MAX, "optional_limit") ?? PAGE_SIZE_DEFAULT;
  const read = {
    tenant: caller.tenant,
    filter,
    consistency: request.consistency,
    cursor: request.optionalCursor,
  };
  for await (const page of relationshipPages(caller.gatehouse, read, call, () => size)) {
    const chosen = page.relationships.filter((r) => selectsPrefix(resourceIdPrefix, r));
    const last = chosen[chosen.length - 1];
    if (last)
      await send({
        relationships: chosen.map(toRelationship),
        afterResultCursor: { token: page.after(last) },
      });
  }
}

export function relationshipsHandlers(door: SpicedbDoor): ServiceHandlers {
  return {
    ReadRelationships: ((r, c, s) => readRelationships(door, r, c, s)) satisfies ServerStream<
      v1.ReadRelationshipsRequest,
      v1.ReadRelationshipsResponse
    >,
    WriteRelationships: ((r, c) => writeRelationships(door, r, c)) satisfies Unary<
      v1.WriteRelationshipsRequest,
      unknown
    >,
    DeleteRelationships: ((r, c) => deleteRelationships(door, r, c)) satisfies Unary<
      v1.DeleteRelationshipsRequest,
      unknown
    >,
    ImportBulkRelationships: bulkImportHandler(door),
    ExportBulkRelationships: bulkExportHandler(door),
  };
}

/** The ExperimentalService's BulkImportRelationships has ImportBulkRelationships' shape. */
export function bulkImportHandler(
  door: SpicedbDoor,
): ClientStream<{ relationships: v1.Relationship[] }, unknown> {
  return (requests, call) => importBulk(door, requests, call);
}

/** The ExperimentalService's BulkExportRelationships has ExportBulkRelationships' shape. */
export function bulkExportHandler(
  door: SpicedbDoor,
): ServerStream<v1.ExportBulkRelationshipsRequest, v1.ExportBulkRelationshipsResponse> {
  return (request, call, send) => exportBulk(door, request, call, send);
}
