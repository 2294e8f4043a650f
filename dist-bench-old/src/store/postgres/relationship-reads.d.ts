import { type Relationship } from "../../model/relationship.js";
import type { RelationshipFilter, RelationshipShape, Revision, StoredRelationship } from "../store.js";
import type { PostgresConnection } from "./connection.js";
import type { Revisions } from "./revisions.js";
/** Reads of relationships as of a revision: by filter, a whole tenant in batches, and by shape. */
export declare class RelationshipReads {
    #private;
    constructor(db: PostgresConnection, revisions: Revisions);
    read(tenant: string, filter: RelationshipFilter, options: {
        atRevision?: Revision | undefined;
        limit?: number | undefined;
    }): Promise<StoredRelationship[]>;
    /**
     * Keyset pagination over the primary key (tenant, tuple, created_revision): each batch is one
     * index range scan that starts after the last tuple of the one before, so a batch costs the
     * same at the end of a million rows as at the start, no connection or transaction is held
     * while the consumer works on a batch, and a consumer that stops early leaves nothing open.
     * Paging stays consistent without a snapshot because rows live at a past revision never
     * change; the next batch is read while the consumer works on the current one. Rows come back as arrays of three strings: the shape (four low-variety columns in
     * one, shared between rows, see the SQLite store) and the two ids.
     */
    scan(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]>;
    shapes(): Promise<RelationshipShape[]>;
}
