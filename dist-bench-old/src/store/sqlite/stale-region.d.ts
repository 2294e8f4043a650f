import type { ApplyInput } from "../change-records.js";
import type { SqliteConnection } from "./connection.js";
import type { SchemaVersions } from "./schema-versions.js";
/**
 * Refuses (`conflict`) an apply whose plan no longer describes what would happen: a schema
 * written since the base revision when the plan depends on the schema or the change writes one,
 * or a relationship of the tenant created or deleted since then whose resource or subject object
 * (`type:id`, whatever the subject relation) is in the region. Call inside the apply's transaction,
 * so that nothing can be written between this check and the apply.
 */
export declare function checkRegionFresh(db: SqliteConnection, schemas: SchemaVersions, input: Pick<ApplyInput, "changeId" | "tenant" | "region" | "schema">): void;
