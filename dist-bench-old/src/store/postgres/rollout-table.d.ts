import type { NewRollout, RolloutRecord, RolloutUpdate } from "../rollout-records.js";
import type { Sql } from "./connection.js";
/**
 * The `rollouts` table, with SQLite's checks and messages. Rollouts are only written with their
 * audit record, under the audit lock, so "is one running?" still holds at the insert (and the
 * partial unique index holds it regardless).
 */
export declare class RolloutTable {
    #private;
    constructor(now: () => string);
    insert(sql: Sql, rollout: NewRollout): Promise<RolloutRecord>;
    latest(sql: Sql): Promise<RolloutRecord | undefined>;
    update(sql: Sql, id: number, expectedVersion: number, update: RolloutUpdate): Promise<RolloutRecord>;
}
