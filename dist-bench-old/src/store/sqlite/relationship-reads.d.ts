import { type Relationship } from "../../model/relationship.js";
import type { RelationshipFilter, RelationshipShape, Revision, StoredRelationship } from "../store.js";
import type { SqliteConnection } from "./connection.js";
import type { Revisions } from "./revisions.js";
/** Reads of relationships as of a revision: by filter, a whole tenant in batches, and by shape. */
export declare class RelationshipReads {
    #private;
    constructor(db: SqliteConnection, revisions: Revisions);
    read(tenant: string, filter: RelationshipFilter, options: {
        atRevision?: Revision | undefined;
        limit?: number | undefined;
    }): StoredRelationship[];
    /**
     * Pages by the tuple instead of holding one cursor open: better-sqlite3 refuses every other
     * statement on the connection while an iterator is open, and the consumer awaits between
     * batches. Paging stays consistent without a snapshot because rows live at a past revision
     * never change.
     *
     * The four low-variety columns come back as one shape string: half the strings to create per
     * row (the bulk of a load's time), and every relationship of a shape shares the same type and
     * relation strings, which keeps the indexes built from them small.
     */
    scan(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]>;
    shapes(): RelationshipShape[];
}
