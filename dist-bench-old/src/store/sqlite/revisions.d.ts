import type { Revision, WriteOptions } from "../store.js";
import type { SqliteConnection } from "./connection.js";
/** What a revision wrote: relationships of a tenant, a schema version, or a change (either or both). */
export type RevisionKind = "relationships" | "schema" | "change" | "purge";
/**
 * The store-wide revision sequence. A revision is a row of `revisions`; its number is the rowid,
 * so a transaction that rolls back gives its number back and a refused write consumes none.
 */
export declare class Revisions {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    head(): Revision;
    /** The revision to read at: head when none is given; one not reached yet is `not_found`. */
    at(at: Revision | undefined): Revision;
    /** Starts a new revision; call inside the transaction that writes it. */
    next(tenant: string | null, kind: RevisionKind, options: WriteOptions): Revision;
}
