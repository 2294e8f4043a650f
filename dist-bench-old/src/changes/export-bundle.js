import { createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { GatehouseError } from "../model/errors.js";
import { formatRelationship } from "../model/relationship.js";
export async function buildBundle(store, input) {
    const rows = await store.relationshipHistory(input.tenant, input.relationships);
    // A loop, not Math.min(...rows): a tenant's whole history overflows the argument stack.
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
        if (r.createdRevision < first)
            first = r.createdRevision;
        const end = r.deletedRevision ?? r.createdRevision;
        if (end > last)
            last = end;
    }
    const versions = await store.listSchemaVersions();
    // The versions that could have read these rows: the one in force when the first was created,
    // and every one written before the last was deleted.
    const inForce = versions.filter((v) => v.revision <= first).at(-1);
    const involved = versions.filter((v) => v === inForce || (v.revision > first && v.revision <= last));
    return {
        format: "gatehouse-export/1",
        tenant: input.tenant,
        scope: input.scope,
        target: input.target,
        createdAt: input.createdAt,
        deletions: input.deletions,
        relationships: rows.map((r) => ({
            relationship: formatRelationship(r),
            createdRevision: r.createdRevision,
            deletedRevision: r.deletedRevision,
        })),
        schemaVersions: involved.map((v) => ({
            version: v.version,
            revision: v.revision,
            createdAt: v.createdAt,
            text: v.text,
        })),
    };
}
/**
 * Writes the bundle durably: to a temporary file, fsynced, renamed into place, and the directory
 * fsynced, so that a crash leaves either the whole bundle or none, never a torn one that a
 * checksum was recorded for.
 */
export function writeBundle(dir, bundle) {
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    const bytes = Buffer.from(text, "utf8");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const safe = bundle.target.replace(/[^a-zA-Z0-9_-]+/g, "_");
    const name = `purge-${bundle.tenant}-${bundle.scope}-${safe}-${bundle.createdAt.replace(/[:.]/g, "-")}-${sha256.slice(0, 12)}.json`;
    try {
        mkdirSync(dir, { recursive: true });
        const path = resolve(join(dir, name));
        const temporary = `${path}.partial`;
        const fd = openSync(temporary, "w", 0o600);
        try {
            writeSync(fd, bytes);
            fsyncSync(fd);
        }
        finally {
            closeSync(fd);
        }
        renameSync(temporary, path);
        const dirFd = openSync(resolve(dir), "r");
        try {
            fsyncSync(dirFd);
        }
        finally {
            closeSync(dirFd);
        }
        return { path, sha256, bytes: bytes.length };
    }
    catch (error) {
        throw new GatehouseError("unavailable", `cannot write the export bundle to \`${dir}\`: ${error.message}; nothing was purged`, { field: "exportDir" });
    }
}
/** The SHA-256 of the file as it is now, or undefined when it cannot be read. */
export function bundleChecksum(path) {
    try {
        return createHash("sha256").update(readFileSync(path)).digest("hex");
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=export-bundle.js.map