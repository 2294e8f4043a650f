import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { Sql } from "./connection.js";
export declare const INSERT_PAGE = "INSERT INTO decision_pages\n  (base_seq, first_seq, last_seq, count, first_at, last_at, min_revision, max_revision, body)\n  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/**
 * The decision log's pages (`common/decision-pages.ts`). Sequence numbers come from the
 * `decision` row of `counters`: its row lock orders appends from every node, and a purge of the
 * newest pages never lets a number be given twice.
 */
export declare class DecisionTable {
    append(sql: Sql, records: readonly NewDecision[]): Promise<number>;
    list(sql: Sql, filter: DecisionFilter): Promise<DecisionRecord[]>;
    purge(sql: Sql, olderThan: string): Promise<number>;
}
