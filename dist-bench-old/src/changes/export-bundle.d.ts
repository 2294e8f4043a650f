import { type Relationship } from "../model/relationship.js";
import type { Store } from "../store/store.js";
/**
 * The export bundle a purge writes before any row goes: every row of every relationship the
 * purge removes, with the revisions that created and deleted it, and the schema versions in force
 * over that time. Incident 001's restore took four days because no such copy existed.
 */
export interface ExportBundle {
    readonly format: "gatehouse-export/1";
    readonly tenant: string;
    readonly scope: "subject" | "tenant";
    readonly target: string;
    readonly createdAt: string;
    /** The applied deletion changes the purge makes final. */
    readonly deletions: readonly {
        id: number;
        appliedRevision: number;
        appliedAt: string;
        author: string;
        reason: string;
    }[];
    readonly relationships: readonly {
        relationship: string;
        createdRevision: number;
        deletedRevision: number | null;
    }[];
    readonly schemaVersions: readonly {
        version: number;
        revision: number;
        createdAt: string;
        text: string;
    }[];
}
export interface WrittenBundle {
    readonly path: string;
    readonly sha256: string;
    readonly bytes: number;
}
export declare function buildBundle(store: Store, input: Omit<ExportBundle, "format" | "relationships" | "schemaVersions"> & {
    readonly relationships: readonly Relationship[];
}): Promise<ExportBundle>;
/**
 * Writes the bundle durably: to a temporary file, fsynced, renamed into place, and the directory
 * fsynced, so that a crash leaves either the whole bundle or none, never a torn one that a
 * checksum was recorded for.
 */
export declare function writeBundle(dir: string, bundle: ExportBundle): WrittenBundle;
/** The SHA-256 of the file as it is now, or undefined when it cannot be read. */
export declare function bundleChecksum(path: string): string | undefined;
