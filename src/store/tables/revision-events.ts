import type { Relationship } from "../../model/relationship.js";
import { TRAIT_COLUMNS, withTraits } from "../common/trait-columns.js";
import { type TupleRow, toRelationship } from "../common/tuples.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import { type FeedOptions, type Revision, type RevisionEvent, STORE_WIDE_TENANT } from "../store.js";
import { TUPLE } from "./tuple-columns.js";

type EventDraft = { -readonly [K in keyof RevisionEvent]: RevisionEvent[K] } & {
  created: Relationship[];
  deleted: Relationship[];
};

/**
 * The revisions after `afterRevision` (already checked) up to `head`, oldest first, at most
 * `limit`, as followers replay them; the same events as SQLite's. A revision row commits with
 * everything it wrote, and every revision up to the head readers see has committed or been lost
 * (`revisions.ts`), so the range's rows are the same whatever commits meanwhile: the reads need
 * no common snapshot. A number of the range without a revision row was taken by a write that
 * rolled back (PostgreSQL): it comes as a skipped event, so that followers move past it.
 *
 * A follower that holds some tenants only (`options.tenants`) gets the others' revisions as
 * markers: their relationship rows are never read. The rows are then looked up by the numbers
 * of the wanted revisions (the `created_revision` and `deleted_revision` indexes), not by the
 * range, which would walk every tenant's rows of it.
 */
export async function revisionEvents(
  sql: Sql,
  dialect: Dialect,
  afterRevision: Revision,
  head: Revision,
  limit: number,
  options: FeedOptions = {},
): Promise<RevisionEvent[]> {
  const last = Math.min(head, afterRevision + limit);
  if (last <= afterRevision) return [];
  const revisions = await sql.rows<[number, string | null, string]>(
    "SELECT revision, tenant, kind FROM revisions WHERE revision > $1 AND revision <= $2 ORDER BY revision",
    [afterRevision, last],
  );

  const wantedTenants = options.tenants === undefined ? undefined : new Set(options.tenants);
  const events = new Map<Revision, EventDraft>();
  const wanted: Revision[] = [];
  for (const [revision, tenant, kind] of revisions) {
    const read = tenant === null || wantedTenants === undefined || wantedTenants.has(tenant);
    if (read) wanted.push(revision);
    events.set(revision, {
      revision,
      tenant: tenant ?? STORE_WIDE_TENANT,
      created: [],
      deleted: [],
      schemaVersion: null,
      ...(kind === "purge" ? { purged: true } : {}),
      ...(read ? {} : { unread: true }),
    });
  }
  if (revisions.length < last - afterRevision) fillSkipped(events, afterRevision, last);
  const range = [afterRevision, last];
  const everyRevision = wanted.length === revisions.length;
  for (const [column, list] of [
    ["created_revision", "created"],
    ["deleted_revision", "deleted"],
  ] as const) {
    if (wanted.length === 0) break;
    const where = everyRevision
      ? `${column} > $1 AND ${column} <= $2`
      : `${column} IN (SELECT revision FROM ${dialect.rowsFrom(1, [["revision", "bigint"]], "w")})`;
    const rows = await sql.rows<[number, ...TupleRow, string | null, string | null, string | null]>(
      `SELECT ${column}, ${TUPLE}, ${TRAIT_COLUMNS} FROM relationships WHERE ${where}
       ORDER BY ${column}, ${TUPLE}`,
      everyRevision ? range : dialect.rowsParams([wanted]),
    );
    // With what each relationship carries: a touch that replaced a caveat or an expiration is
    // the old row deleted and the new one created in the same revision.
    for (const [revision, rt, ri, rel, st, si, sr, cn, cc, ea] of rows) {
      events.get(revision)?.[list].push(withTraits(toRelationship(rt, ri, rel, st, si, sr), cn, cc, ea));
    }
  }
  const schemaRows = await sql.rows<[number, number]>(
    "SELECT revision, version FROM schema_versions WHERE revision > $1 AND revision <= $2",
    range,
  );
  for (const [revision, version] of schemaRows) {
    const event = events.get(revision);
    if (event) event.schemaVersion = version;
  }
  return [...events.values()].sort((a, b) => a.revision - b.revision);
}

/** Numbers of `(after, last]` that no revision row holds: taken by writes that rolled back. */
function fillSkipped(events: Map<Revision, EventDraft>, after: Revision, last: Revision): void {
  for (let revision = after + 1; revision <= last; revision++) {
    if (events.has(revision)) continue;
    events.set(revision, {
      revision,
      tenant: STORE_WIDE_TENANT,
      created: [],
      deleted: [],
      schemaVersion: null,
      skipped: true,
    });
  }
}
