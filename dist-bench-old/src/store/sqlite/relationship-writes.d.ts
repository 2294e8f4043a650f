import type { Relationship } from "../../model/relationship.js";
import { type PlannedUpdate } from "../common/write-plan.js";
import type { Revision } from "../store.js";
import type { SqliteConnection } from "./connection.js";
/**
 * Writes checked updates of one tenant at a revision: a plain relationship write and a change's
 * apply both come here, so both have the same conflict semantics. Call inside the transaction
 * that created the revision: on a conflict it throws, and the rollback takes the revision too.
 */
export declare function writeUpdates(db: SqliteConnection, tenant: string, revision: Revision, planned: readonly PlannedUpdate[]): {
    created: Relationship[];
    deleted: Relationship[];
};
