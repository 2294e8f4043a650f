import type { ApplyInput, ApplyResult } from "../change-records.js";
import type { AuditLog } from "./audit-log.js";
import type { ChangeTables } from "./change-tables.js";
import type { PostgresConnection } from "./connection.js";
import { type Revisions } from "./revisions.js";
import type { SchemaVersions } from "./schema-versions.js";
export interface ApplyParts {
    readonly db: PostgresConnection;
    readonly revisions: Revisions;
    readonly schemas: SchemaVersions;
    readonly changes: ChangeTables;
    readonly audit: AuditLog;
    readonly now: () => string;
}
/**
 * Applies a change in one transaction, as SQLite does: the staleness check, the relationship
 * updates and the schema as one new revision, the change's new state and its audit record. The
 * revision counter is locked first (then the audit head), so no other node can write between
 * the check and the commit, and each statement after the lock sees every earlier commit (READ
 * COMMITTED takes a new snapshot per statement). Any error rolls everything back, the revision
 * number included.
 */
export declare function applyChange(parts: ApplyParts, input: ApplyInput): Promise<ApplyResult>;
