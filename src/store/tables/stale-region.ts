import { GatehouseError } from "../../model/errors.js";
import { formatRelationship } from "../../model/relationship.js";
import type { ApplyInput } from "../change-records.js";
import { compareTuples, type TupleRow, toRelationship } from "../common/tuples.js";
import type { Dialect, ListColumn } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { Revision } from "../store.js";
import type { SchemaVersions } from "./schema-versions.js";
import { TUPLE } from "./tuple-columns.js";

/** A relationship row written after the base revision: [revision, ...tuple]. */
type WrittenRow = [number, ...TupleRow];

/** Read what was written since, unless that is a lot; then look each region object up. */
const SCAN_BUDGET_FLOOR = 1_000;
const SCAN_BUDGET_PER_OBJECT = 4;

/**
 * Refuses (`conflict`) an apply whose plan no longer describes what would happen. Call inside
 * the apply's transaction after it locked the revision sequence, so that nothing can be written
 * between this check and the apply.
 */
export async function checkRegionFresh(
  sql: Sql,
  dialect: Dialect,
  schemas: SchemaVersions,
  input: Pick<ApplyInput, "changeId" | "tenant" | "region" | "schema">,
): Promise<void> {
  const { baseRevision, objects, schemaSensitive } = input.region;
  const stale = (what: string, revision: Revision) =>
    new GatehouseError(
      "conflict",
      `change ${input.changeId} is stale: ${what} was written at revision ${revision} after its plan ` +
        `(base revision ${baseRevision}); plan it again`,
    );

  if (schemaSensitive || input.schema !== null) {
    const schema = await schemas.firstAfter(sql, baseRevision);
    if (schema !== undefined) throw stale(`schema version ${schema.version}`, schema.revision);
  }
  if (objects.length === 0) return;
  const written = await firstWriteInRegion({
    sql,
    dialect,
    tenant: input.tenant,
    base: baseRevision,
    objects,
  });
  if (written !== undefined) {
    const [revision, rt, ri, rel, st, si, sr] = written;
    throw stale(`\`${formatRelationship(toRelationship(rt, ri, rel, st, si, sr))}\``, revision);
  }
}

/** A plan's region (`type:id` objects) in a tenant, and the base revision it was planned at. */
interface RegionSince {
  readonly sql: Sql;
  readonly dialect: Dialect;
  readonly tenant: string;
  readonly base: Revision;
  readonly objects: readonly string[];
}

/** The earliest write (by revision, then tuple) that touches the region, so the message is stable. */
async function firstWriteInRegion(region: RegionSince): Promise<WrittenRow | undefined> {
  const { sql, tenant, base, objects } = region;
  const budget = Math.max(SCAN_BUDGET_FLOOR, SCAN_BUDGET_PER_OBJECT * objects.length);
  // Only the tenant's own revisions since the base are visited, through the revision indexes.
  // INVARIANT: a revision writes rows of its own tenant only, so the rows need no tenant test;
  // with one, a planner working from stale statistics ANDs in a scan of the tenant's whole index.
  const since = "IN (SELECT revision FROM revisions WHERE revision > $2 AND tenant = $1)";
  const rows = await sql.rows<WrittenRow>(
    `SELECT created_revision, ${TUPLE} FROM relationships WHERE created_revision ${since}
     UNION ALL
     SELECT deleted_revision, ${TUPLE} FROM relationships WHERE deleted_revision ${since}
     LIMIT $3`,
    [tenant, base, budget + 1],
  );
  if (rows.length > budget) return lookUpRegion(region);

  const inRegion = new Set(objects);
  let first: WrittenRow | undefined;
  for (const row of rows) {
    const [, rt, ri, , st, si] = row;
    if (!inRegion.has(`${rt}:${ri}`) && !inRegion.has(`${st}:${si}`)) continue;
    if (first === undefined || compareTuples(row, first) < 0) first = row;
  }
  return first;
}

const REGION_LIST: readonly ListColumn[] = [
  ["type", "text"],
  ["id", "text"],
];

/**
 * Each region object looked up by index, as resource and as subject: the region is the outer
 * loop (LATERAL on PostgreSQL; CROSS JOIN on SQLite, which keeps its order, with the subject
 * index named, as without statistics SQLite would rather scan the tenant's rows).
 */
async function lookUpRegion(since: RegionSince): Promise<WrittenRow | undefined> {
  const { sql, dialect, tenant, base, objects } = since;
  const types: string[] = [];
  const ids: string[] = [];
  for (const object of new Set(objects)) {
    const colon = object.indexOf(":");
    types.push(object.slice(0, colon));
    ids.push(object.slice(colon + 1));
  }
  const columns = `CASE WHEN r.created_revision > $2 THEN r.created_revision ELSE r.deleted_revision END,
    r.resource_type, r.resource_id, r.relation, r.subject_type, r.subject_id, r.subject_relation`;
  const after = "(r.created_revision > $2 OR r.deleted_revision > $2)";
  const region = dialect.rowsFrom(3, REGION_LIST, "o");
  const byResource = "r.tenant = $1 AND r.resource_type = o.type AND r.resource_id = o.id";
  const bySubject = "r.tenant = $1 AND r.subject_type = o.type AND r.subject_id = o.id";
  const joined =
    dialect.kind === "postgres"
      ? (match: string) => `${region} CROSS JOIN LATERAL (SELECT * FROM relationships r WHERE ${match}) r`
      : (match: string, index = "") => `${region} CROSS JOIN relationships r${index} ON ${match}`;
  const [row] = await sql.rows<WrittenRow>(
    `SELECT ${columns} FROM ${joined(byResource)} WHERE ${after}
     UNION ALL
     SELECT ${columns} FROM ${joined(bySubject, " INDEXED BY relationships_by_subject")} WHERE ${after}
     ORDER BY 1, 2, 3, 4, 5, 6, 7 LIMIT 1`,
    [tenant, base, ...dialect.rowsParams([types, ids])],
  );
  return row;
}
