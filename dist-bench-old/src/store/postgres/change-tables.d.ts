import type { ChangeRecord, ChangeState, ChangeUpdate, NewChange } from "../change-records.js";
import type { Revision } from "../store.js";
import type { Sql } from "./connection.js";
import type { Revisions } from "./revisions.js";
/**
 * The `changes` and `approvals` tables, with the same checks and messages as SQLite's. Each
 * method is one step of a transaction the store opens, after it locked the audit head (every
 * act on a change is audited), which also makes `max(id) + 1` safe. Unknown ids are `not_found`.
 */
export declare class ChangeTables {
    #private;
    constructor(revisions: Revisions, now: () => string);
    /** Stores a new change as `proposed`; returns its id. */
    insert(sql: Sql, change: NewChange): Promise<number>;
    get(sql: Sql, id: number): Promise<ChangeRecord | undefined>;
    /** The change, or a `not_found` error naming it (and the field that named it, if given). */
    require(sql: Sql, id: number, field?: string): Promise<ChangeRecord>;
    /** Newest first. */
    list(sql: Sql, filter: {
        tenant?: string;
        state?: ChangeState;
        limit?: number;
    }): Promise<ChangeRecord[]>;
    /** Sets the fields the update names; the others stay as they are. */
    update(sql: Sql, id: number, update: ChangeUpdate): Promise<void>;
    /** One approval per principal and change; a second is a `conflict`. */
    approve(sql: Sql, id: number, principal: string, comment: string | null): Promise<void>;
    markApplied(sql: Sql, id: number, revision: Revision, applied: NonNullable<ChangeRecord["applied"]>): Promise<void>;
}
