import type { Relationship } from "../../model/relationship.js";
import { type PlannedUpdate } from "../common/write-plan.js";
import type { Revision } from "../store.js";
import type { Sql } from "./connection.js";
/**
 * Writes checked updates of one tenant at a revision, with SQLite's semantics (`create` of a
 * live tuple and `delete` of a missing one are conflicts, named with their place; `touch`
 * writes only what is missing), but set at a time: one UPDATE for the deletes and one INSERT
 * for the rest, per chunk, instead of a round trip per row. A write never names a tuple twice
 * (`planUpdates` refuses it), so the order of the two statements cannot matter. Call inside the
 * transaction that took the revision: on a conflict it throws, and the rollback takes the
 * revision too.
 */
export declare function writeUpdates(sql: Sql, tenant: string, revision: Revision, planned: readonly PlannedUpdate[]): Promise<{
    created: Relationship[];
    deleted: Relationship[];
}>;
