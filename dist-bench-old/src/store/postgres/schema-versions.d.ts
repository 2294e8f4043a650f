import type { Revision, SchemaVersion } from "../store.js";
import type { Sql } from "./connection.js";
/**
 * Schema versions, 1, 2, 3 ..., each written at its own revision and never changed. A version
 * is numbered inside the transaction that holds the revision lock, so max + 1 cannot race.
 */
export declare class SchemaVersions {
    /** Adds the next version at `revision`; call inside the transaction that took the revision. */
    insert(sql: Sql, revision: Revision, text: string, createdAt: string, author: string | null): Promise<SchemaVersion>;
    /** The version in force at `at`. */
    at(sql: Sql, at: Revision): Promise<SchemaVersion | undefined>;
    /** The first version written after `revision`, if any. */
    firstAfter(sql: Sql, revision: Revision): Promise<SchemaVersion | undefined>;
    list(sql: Sql): Promise<SchemaVersion[]>;
}
