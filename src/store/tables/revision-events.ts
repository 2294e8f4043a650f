import type { Relationship } from "../../model/relationship.js";
import { TRAIT_COLUMNS, withTraits } from "../common/trait-columns.js";
import { type TupleRow, toRelationship } from "../common/tuples.js";
import type { Sql } from "../sql/sql.js";
import { type Revision, type RevisionEvent, STORE_WIDE_TENANT } from "../store.js";
import { TUPLE } from "./tuple-columns.js";

type EventDraft = { -readonly [K in keyof RevisionEvent]: RevisionEvent[K] } & {
  created: Relationship[];
  deleted: Relationship[];
};

/**
 * The revisions after `afterRevision` (already checked), oldest first, at most `limit`, as
 * followers replay them; the same events as SQLite's. A revision row commits with everything it
 * wrote, and revisions commit in order (`revisions.ts`), so once the last revision listed is
 * visible, all rows of the range are: the four reads need no common snapshot.
 */
export async function revisionEvents(
  sql: Sql,
  afterRevision: Revision,
  limit: number,
): Promise<RevisionEvent[]> {
  const revisions = await sql.rows<[number, string | null, string]>(
    "SELECT revision, tenant, kind FROM revisions WHERE revision > $1 ORDER BY revision LIMIT $2",
    [afterRevision, limit],
  );
  const last = revisions.at(-1)?.[0];
  if (last === undefined) return [];

  const events = new Map<Revision, EventDraft>();
  for (const [revision, tenant, kind] of revisions) {
    events.set(revision, {
      revision,
      tenant: tenant ?? STORE_WIDE_TENANT,
      created: [],
      deleted: [],
      schemaVersion: null,
      ...(kind === "purge" ? { purged: true } : {}),
    });
  }
  const range = [afterRevision, last];
  for (const [column, list] of [
    ["created_revision", "created"],
    ["deleted_revision", "deleted"],
  ] as const) {
    const rows = await sql.rows<[number, ...TupleRow, string | null, string | null, string | null]>(
      `SELECT ${column}, ${TUPLE}, ${TRAIT_COLUMNS} FROM relationships WHERE ${column} > $1 AND ${column} <= $2
       ORDER BY ${column}, ${TUPLE}`,
      range,
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
  return [...events.values()];
}
