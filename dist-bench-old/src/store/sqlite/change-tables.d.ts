import type { ChangeRecord, ChangeState, ChangeUpdate, NewChange } from "../change-records.js";
import type { Revision } from "../store.js";
import type { SqliteConnection } from "./connection.js";
import type { Revisions } from "./revisions.js";
/**
 * The `changes` and `approvals` tables. Each method is one step of a transaction the store
 * opens; none opens its own. Unknown change ids are `not_found`.
 */
export declare class ChangeTables {
    #private;
    constructor(db: SqliteConnection, revisions: Revisions, now: () => string);
    /** Stores a new change as `proposed`; returns its id. */
    insert(change: NewChange): number;
    get(id: number): ChangeRecord | undefined;
    /** The change, or a `not_found` error naming it (and the field that named it, if given). */
    require(id: number, field?: string): ChangeRecord;
    /** Newest first. */
    list(filter: {
        tenant?: string;
        state?: ChangeState;
        limit?: number;
    }): ChangeRecord[];
    /** Sets the fields the update names; the others stay as they are. */
    update(id: number, update: ChangeUpdate): void;
    /** One approval per principal and change; a second is a `conflict`. */
    approve(id: number, principal: string, comment: string | null): void;
    markApplied(id: number, revision: Revision, applied: NonNullable<ChangeRecord["applied"]>): void;
}
