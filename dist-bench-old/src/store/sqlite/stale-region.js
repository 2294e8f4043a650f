import { GatehouseError } from "../../model/errors.js";
import { formatRelationship } from "../../model/relationship.js";
import { compareTuples, toRelationship } from "../common/tuples.js";
import { TUPLE } from "./tuple-rows.js";
/**
 * Below this many rows written since the base revision (or four per region object, if more),
 * the rows are read and matched against the region in memory; above it, the region goes into a
 * temporary table and SQLite looks each object up by index. The usual apply follows its plan
 * closely and sees a handful of rows, where reading them is cheapest; an old plan over a busy
 * tenant would read everything written since, where a few index lookups per object win. Trying
 * the first with a LIMIT bounds the cost of guessing wrong to the budget.
 */
const SCAN_BUDGET_FLOOR = 1_000;
const SCAN_BUDGET_PER_OBJECT = 4;
/**
 * Refuses (`conflict`) an apply whose plan no longer describes what would happen: a schema
 * written since the base revision when the plan depends on the schema or the change writes one,
 * or a relationship of the tenant created or deleted since then whose resource or subject object
 * (`type:id`, whatever the subject relation) is in the region. Call inside the apply's transaction,
 * so that nothing can be written between this check and the apply.
 */
export function checkRegionFresh(db, schemas, input) {
    const { baseRevision, objects, schemaSensitive } = input.region;
    const stale = (what, revision) => new GatehouseError("conflict", `change ${input.changeId} is stale: ${what} was written at revision ${revision} after its plan ` +
        `(base revision ${baseRevision}); plan it again`);
    if (schemaSensitive || input.schema !== null) {
        const schema = schemas.firstAfter(baseRevision);
        if (schema !== undefined)
            throw stale(`schema version ${schema.version}`, schema.revision);
    }
    if (objects.length === 0)
        return;
    const written = firstWriteInRegion(db, input.tenant, baseRevision, objects);
    if (written !== undefined) {
        const [revision, rt, ri, rel, st, si, sr] = written;
        throw stale(`\`${formatRelationship(toRelationship(rt, ri, rel, st, si, sr))}\``, revision);
    }
}
/** The earliest write (by revision, then tuple) that touches the region, so the message is stable. */
function firstWriteInRegion(db, tenant, base, objects) {
    const budget = Math.max(SCAN_BUDGET_FLOOR, SCAN_BUDGET_PER_OBJECT * objects.length);
    // Only the tenant's own revisions since the base are visited, through the revision indexes,
    // however much other tenants wrote meanwhile.
    const since = "IN (SELECT revision FROM revisions WHERE revision > $base AND tenant = $tenant)";
    const rows = db
        .prepare(`SELECT created_revision, ${TUPLE} FROM relationships WHERE created_revision ${since} AND tenant = $tenant
       UNION ALL
       SELECT deleted_revision, ${TUPLE} FROM relationships WHERE deleted_revision ${since} AND tenant = $tenant
       LIMIT $limit`)
        .raw()
        .all({ tenant, base, limit: budget + 1 });
    if (rows.length > budget)
        return lookUpRegion(db, tenant, base, objects);
    const region = new Set(objects);
    let first;
    for (const row of rows) {
        const [, rt, ri, , st, si] = row;
        if (!region.has(`${rt}:${ri}`) && !region.has(`${st}:${si}`))
            continue;
        if (first === undefined || compareTuples(row, first) < 0)
            first = row;
    }
    return first;
}
function lookUpRegion(db, tenant, base, objects) {
    // A temporary table lives in this connection only and goes with the transaction's rollback.
    db.exec("CREATE TEMP TABLE IF NOT EXISTS apply_region (type TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (type, id)) WITHOUT ROWID");
    db.prepare("DELETE FROM temp.apply_region").run();
    const insert = db.prepare("INSERT OR IGNORE INTO temp.apply_region (type, id) VALUES (?, ?)");
    for (const object of objects) {
        const colon = object.indexOf(":");
        insert.run(object.slice(0, colon), object.slice(colon + 1));
    }
    const columns = `CASE WHEN r.created_revision > $base THEN r.created_revision ELSE r.deleted_revision END,
    r.resource_type, r.resource_id, r.relation, r.subject_type, r.subject_id, r.subject_relation`;
    const after = "(r.created_revision > $base OR r.deleted_revision > $base)";
    // CROSS JOIN keeps the region as the outer loop and INDEXED BY the subject index: without
    // statistics SQLite would rather scan the tenant's rows than look each object up.
    const row = db
        .prepare(`SELECT ${columns} FROM temp.apply_region o CROSS JOIN relationships r
         ON r.tenant = $tenant AND r.resource_type = o.type AND r.resource_id = o.id WHERE ${after}
       UNION ALL
       SELECT ${columns} FROM temp.apply_region o CROSS JOIN relationships r INDEXED BY relationships_by_subject
         ON r.tenant = $tenant AND r.subject_type = o.type AND r.subject_id = o.id WHERE ${after}
       ORDER BY 1, 2, 3, 4, 5, 6, 7 LIMIT 1`)
        .raw()
        .get({ tenant, base });
    db.prepare("DELETE FROM temp.apply_region").run();
    return row;
}
//# sourceMappingURL=stale-region.js.map