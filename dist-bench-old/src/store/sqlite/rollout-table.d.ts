import type { NewRollout, RolloutRecord, RolloutUpdate } from "../rollout-records.js";
import type { SqliteConnection } from "./connection.js";
/**
 * The `rollouts` table. Each method is one step of a transaction the store opens (with the audit
 * record of the act); none opens its own.
 */
export declare class RolloutTable {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    insert(rollout: NewRollout): RolloutRecord;
    latest(): RolloutRecord | undefined;
    update(id: number, expectedVersion: number, update: RolloutUpdate): RolloutRecord;
}
