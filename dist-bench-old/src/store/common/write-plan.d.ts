import { GatehouseError } from "../../model/errors.js";
import { type Relationship } from "../../model/relationship.js";
import type { RelationshipUpdate } from "../store.js";
import { type Tuple } from "./tuples.js";
/**
 * A write checked in full before the database is touched: every problem of the input is
 * reported at once, and each update keeps its place (`updates[i]`) for the conflicts found later.
 */
export interface PlannedUpdate {
    readonly operation: RelationshipUpdate["operation"];
    /** Normalised: `...` as a subject relation is gone. */
    readonly relationship: Relationship;
    readonly tuple: Tuple;
    readonly field: string;
}
/** Checks every update (an empty list is the caller's to judge) and normalises the relationships. */
export declare function planUpdates(updates: readonly RelationshipUpdate[]): PlannedUpdate[];
export declare function updateConflict(update: PlannedUpdate, what: string): GatehouseError;
/** One error for all the conflicts of a write: the first one's message, all of them as details. */
export declare function combineConflicts(conflicts: readonly GatehouseError[]): GatehouseError;
