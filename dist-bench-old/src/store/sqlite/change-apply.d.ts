import type { ApplyInput, ApplyResult } from "../change-records.js";
import type { AuditLog } from "./audit-log.js";
import type { ChangeTables } from "./change-tables.js";
import type { SqliteConnection } from "./connection.js";
import type { Revisions } from "./revisions.js";
import type { SchemaVersions } from "./schema-versions.js";
export interface ApplyParts {
    readonly db: SqliteConnection;
    readonly revisions: Revisions;
    readonly schemas: SchemaVersions;
    readonly changes: ChangeTables;
    readonly audit: AuditLog;
    readonly now: () => string;
}
/**
 * Applies a change in one IMMEDIATE transaction: the staleness check, the relationship updates
 * and the schema as one new revision, the change's new state and its audit record. The write
 * lock is held from the check to the commit, so nothing can slip in between; any error rolls
 * everything back, the revision number included.
 */
export declare function applyChange(parts: ApplyParts, input: ApplyInput): ApplyResult;
