import type { Revision, SchemaVersion } from "../store.js";
import type { SqliteConnection } from "./connection.js";
/** Schema versions, 1, 2, 3 ..., each written at its own revision and never changed. */
export declare class SchemaVersions {
    #private;
    constructor(db: SqliteConnection);
    /** Adds the next version at `revision`; call inside the transaction that created the revision. */
    insert(revision: Revision, text: string, createdAt: string, author: string | null): SchemaVersion;
    /** The version in force at `at`. */
    at(at: Revision): SchemaVersion | undefined;
    /** The first version written after `revision`, if any. */
    firstAfter(revision: Revision): SchemaVersion | undefined;
    list(): SchemaVersion[];
}
