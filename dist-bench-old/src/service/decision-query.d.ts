import type { DecisionFilter } from "../store/decision-records.js";
/** How a person (CLI flags, HTTP query parameters) asks for decisions: text, as typed. */
export interface DecisionQuery {
    readonly tenant?: string | undefined;
    readonly resource?: string | undefined;
    readonly permission?: string | undefined;
    readonly subject?: string | undefined;
    /** `allowed` or `denied`. */
    readonly result?: string | undefined;
    readonly since?: string | undefined;
    readonly until?: string | undefined;
    readonly fromRevision?: number | undefined;
    readonly toRevision?: number | undefined;
    readonly afterSeq?: number | undefined;
    readonly limit?: number | undefined;
}
/** Decisions listed at most per call unless a limit says otherwise, so a month of log is never printed whole. */
export declare const DEFAULT_DECISION_LIMIT = 1000;
/**
 * Turns a query into the store's filter, refusing what is malformed with the field named; the
 * CLI and the HTTP API share it, so both accept and refuse the same things.
 */
export declare function decisionFilterOf(query: DecisionQuery): DecisionFilter;
