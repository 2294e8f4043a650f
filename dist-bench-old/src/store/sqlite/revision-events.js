import { toRelationship } from "../common/tuples.js";
import { STORE_WIDE_TENANT } from "../store.js";
import { TUPLE } from "./tuple-rows.js";
/**
 * The revisions after `afterRevision` (already checked), oldest first, at most `limit`, as
 * followers replay them. A change's revision is a tenant write that may also carry a schema
 * version: its event names the tenant and the version.
 */
export function revisionEvents(db, afterRevision, limit) {
    const revisions = db
        .prepare("SELECT revision, tenant, kind FROM revisions WHERE revision > ? ORDER BY revision LIMIT ?")
        .raw()
        .all(afterRevision, limit);
    const last = revisions.at(-1)?.[0];
    if (last === undefined)
        return [];
    const events = new Map();
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
    ]) {
        const rows = db
            .prepare(`SELECT ${column}, ${TUPLE} FROM relationships WHERE ${column} > ? AND ${column} <= ?
         ORDER BY ${column}, ${TUPLE}`)
            .raw()
            .all(...range);
        for (const [revision, rt, ri, rel, st, si, sr] of rows) {
            events.get(revision)?.[list].push(toRelationship(rt, ri, rel, st, si, sr));
        }
    }
    const schemaRows = db
        .prepare("SELECT revision, version FROM schema_versions WHERE revision > ? AND revision <= ?")
        .raw()
        .all(...range);
    for (const [revision, version] of schemaRows) {
        const event = events.get(revision);
        if (event)
            event.schemaVersion = version;
    }
    return [...events.values()];
}
//# sourceMappingURL=revision-events.js.map