import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { SqliteConnection } from "./connection.js";
/**
 * The decision log's pages (`decision_pages`, see `common/decision-pages.ts`) and the next
 * sequence number (`decision_head`, kept apart so that a purge of the newest pages never lets a
 * number be given twice). Each method is one step of a transaction the store opens.
 */
export declare class DecisionTable {
    #private;
    constructor(db: SqliteConnection);
    append(records: readonly NewDecision[]): number;
    list(filter: DecisionFilter): DecisionRecord[];
    purge(olderThan: string): number;
}
