import { v1 } from "@authzed/authzed-node";
import { TYPE_NAME } from "../model/names.js";
import { type Relationship, relationshipKey } from "../model/relationship.js";
import type { Revision } from "../service/records.js";
import { DOOR, type SpicedbDoor } from "./door.js";
import {
  type PrefixedFilter,
  prefixedFilterOf,
  selects,
  selectsPrefix,
  toRelationship,
} from "./relationships.js";
import { quoted } from "./requests.js";
import type { Call, ServerStream, ServiceHandlers } from "./rpc.js";
import { SpicedbError } from "./status.js";
import { transactionMetadataOf } from "./transaction-metadata.js";
import { decodeZedToken, encodeZedToken } from "./zedtoken.js";

/** Revisions read from the store at a time. */
const BATCH = 1_000;
/** The longest a watch waits for the store's notice of a new revision before it looks anyway. */
const POLL_MS = 1_000;

/**
 * Streams the tenant's relationship changes after the start token (or after the head when the
 * call arrives), one response per revision, in revision order. With INCLUDE_CHECKPOINTS a
 * checkpoint follows each catch-up: nothing else happened up to `changes_through`. With
 * INCLUDE_SCHEMA_UPDATES a schema write is a response with `schema_updated`.
 */
async function watch(
  door: SpicedbDoor,
  request: v1.WatchRequest,
  call: Call,
  send: (message: v1.WatchResponse) => Promise<void>,
) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const gatehouse = caller.gatehouse;
  const kinds = new Set(request.optionalUpdateKinds);
  const relationships =
    kinds.size === 0 ||
    kinds.has(v1.WatchKind.INCLUDE_RELATIONSHIP_UPDATES) ||
    kinds.has(v1.WatchKind.UNSPECIFIED);
  const schema = kinds.has(v1.WatchKind.INCLUDE_SCHEMA_UPDATES);
  const checkpoints = kinds.has(v1.WatchKind.INCLUDE_CHECKPOINTS);
  const types = new Set(request.optionalObjectTypes);
  // As a filter's type (filterOf): a malformed one is refused, not a Watch that never sends.
  for (const [i, type] of request.optionalObjectTypes.entries())
    if (!TYPE_NAME.test(type))
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `\`optional_object_types[${i}]\`: expected a type name, got ${quoted(type)}`,
      );
  const filters: PrefixedFilter[] = request.optionalRelationshipFilters.map((f, i) =>
    prefixedFilterOf(f, `optional_relationship_filters[${i}]`),
  );
  if (types.size > 0 && filters.length > 0)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      "give `optional_object_types` or `optional_relationship_filters`, not both",
    );
  const wanted = (r: Relationship) =>
    (types.size === 0 || types.has(r.resource.type)) &&
    (filters.length === 0 ||
      filters.some((f) => selects(f.filter, r) && selectsPrefix(f.resourceIdPrefix, r)));
  const head = await gatehouse.headRevision();
  let at: Revision = request.optionalStartCursor
    ? decodeZedToken(request.optionalStartCursor, "optional_start_cursor")
    : head;
  if (at > head)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `the start cursor's revision ${at} does not exist yet; the newest is ${head}`,
    );
  let checkpointed: Revision | undefined;
  let wake: (() => void) | undefined;
  const stop = gatehouse.followStore(() => wake?.());
  try {
    while (!call.cancelled()) {
      // Other tenants' revisions come as markers: the cursor moves past them, their rows unread.
      const events = await gatehouse.revisionsSince(at, BATCH, { tenants: [caller.tenant] });
      for (const event of events) {
        at = event.revision;
        const changesThrough = encodeZedToken(event.revision);
        if (event.schemaVersion !== null && schema)
          await send({
            updates: [],
            changesThrough,
            schemaUpdated: true,
            isCheckpoint: false,
            fullRevisionMetadata: [],
          });
        if (event.tenant !== caller.tenant || !relationships) continue;
        const { TOUCH, DELETE } = v1.RelationshipUpdate_Operation;
        // A touch that replaced a caveat or an expiration ends the old row and writes the new
        // one; SpiceDB reports that as one TOUCH, so the old row's DELETE is left out.
        const touched = new Set(event.created.map(relationshipKey));
        const updates = [
          ...event.deleted
            .filter((r) => wanted(r) && !touched.has(relationshipKey(r)))
            .map((r) => ({ operation: DELETE, relationship: toRelationship(r) })),
          ...event.created.filter(wanted).map((r) => ({ operation: TOUCH, relationship: toRelationship(r) })),
        ];
        if (updates.length === 0) continue;
        // The write's `optional_transaction_metadata`, kept as the revision's reason, back to the
        // watcher as SpiceDB sends it.
        const record = await gatehouse.revisionRecord(event.revision);
        const metadata = record.door === DOOR ? transactionMetadataOf(record.reason) : undefined;
        await send({
          updates,
          changesThrough,
          schemaUpdated: false,
          isCheckpoint: false,
          fullRevisionMetadata: [],
          ...(metadata ? { optionalTransactionMetadata: metadata } : {}),
        });
      }
      if (events.length === BATCH) continue;
      if (checkpoints && checkpointed !== at) {
        checkpointed = at;
        await send({
          updates: [],
          changesThrough: encodeZedToken(at),
          schemaUpdated: false,
          isCheckpoint: true,
          fullRevisionMetadata: [],
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    stop();
  }
}

export function watchHandlers(door: SpicedbDoor): ServiceHandlers {
  return {
    Watch: ((r, c, s) => watch(door, r, c, s)) satisfies ServerStream<v1.WatchRequest, v1.WatchResponse>,
  };
}
