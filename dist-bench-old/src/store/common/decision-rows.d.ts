import type { DecisionRecord, NewDecision } from "../decision-records.js";
/**
 * The decision log's record checks, and the row shape of migration 5's `decisions` table, which
 * migration 10 reads to move its rows into pages (`decision-pages.ts`).
 */
export declare const DECISION_COLUMNS = "seq, at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision";
export type DecisionRow = [
    seq: number,
    at: string,
    tenant: string,
    resourceType: string,
    resourceId: string,
    permission: string,
    subjectType: string,
    subjectId: string,
    /** '' for a subject without a relation, as in the relationship tables. */
    subjectRelation: string,
    allowed: boolean | number,
    revision: number
];
/**
 * Checks one record before it is written. Records come from answered checks, so a bad one is a
 * bug in the caller, but a store must never hold a row it could not read back as a record.
 */
export declare function checkDecision(record: NewDecision, index: number): void;
export declare function toDecisionRecord([seq, at, tenant, resourceType, resourceId, permission, subjectType, subjectId, subjectRelation, allowed, revision,]: DecisionRow): DecisionRecord;
