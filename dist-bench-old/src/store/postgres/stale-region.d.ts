import type { ApplyInput } from "../change-records.js";
import type { Sql } from "./connection.js";
import type { SchemaVersions } from "./schema-versions.js";
/**
 * Refuses (`conflict`) an apply whose plan no longer describes what would happen, exactly as
 * the SQLite store does and with the same messages. Call inside the apply's transaction after
 * it locked the revision counter, so that nothing can be written between this check and the
 * apply.
 */
export declare function checkRegionFresh(sql: Sql, schemas: SchemaVersions, input: Pick<ApplyInput, "changeId" | "tenant" | "region" | "schema">): Promise<void>;
