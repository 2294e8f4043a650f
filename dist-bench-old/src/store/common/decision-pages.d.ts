import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
/**
 * The decision log is stored as pages of up to `PAGE_SIZE` decisions, one row each, rather than
 * one row per decision: a row per check cost the check path about a fifth of its throughput
 * (BENCHMARKS.md), a page about one percent. A page's columns bound what it holds (sequence
 * numbers, times, revisions), so that a read only decodes pages that can match; its body is a
 * text shared by both backends, made of `FIELDS` numbers per decision:
 *
 *   seqOffset, at, tenant, resourceType, resourceId, permission, subjectType, subjectId,
 *   subjectRelation, allowed, revision
 *
 * where the text fields are indexes into a list of strings (checks repeat tenants, types,
 * permissions and times), `allowed` is 0 or 1 and `seqOffset` is the record's sequence number
 * minus the page's first. Offsets are stored, not implied, so that a purge can drop the oldest
 * records of a page and the others keep their numbers. Two encodings of that body:
 *
 * - `v2` (written now; see `encodeBody`): the numbers as 16-bit words in base64 and the strings
 *   joined by newlines (no stored field can hold one). Writing JSON numbers was most of what
 *   the log cost per check once checks got fast; this is a few memory copies, and smaller.
 * - JSON (pages written before, and any page whose numbers do not fit 16 bits):
 *   `{"s": [strings...], "d": [numbers...]}`.
 */
export declare const PAGE_SIZE = 1000;
export interface DecisionPage {
    /** The number offsets count from: the page's key, unchanged when a purge rewrites the page. */
    readonly baseSeq: number;
    readonly firstSeq: number;
    readonly lastSeq: number;
    readonly count: number;
    readonly firstAt: string;
    readonly lastAt: string;
    readonly minRevision: number;
    readonly maxRevision: number;
    readonly body: string;
}
/** Checks every record (a batch is all or nothing) before any page is made. */
export declare function checkDecisions(records: readonly NewDecision[]): void;
/**
 * Encodes records numbered `firstSeq`, `firstSeq + 1`, ... into pages. The records must have
 * been checked with `checkDecisions`.
 */
export declare function encodePages(records: readonly NewDecision[], firstSeq: number): DecisionPage[];
/**
 * Encodes records (ascending by number; `seqOf(i)` is the i-th one's) into one page whose
 * offsets count from `baseSeq`.
 */
export declare function encodePage(records: readonly NewDecision[], baseSeq: number, seqOf: (i: number) => number): DecisionPage;
/** The records of one page, in sequence order. */
export declare function decodePage(baseSeq: number, body: string): DecisionRecord[];
/** Refuses a malformed filter before anything is read, naming the field. */
export declare function checkDecisionFilter(filter: DecisionFilter): void;
/**
 * The page-level part of a filter, as conditions on a page's bounds (`?`-free: the caller adds
 * its placeholders). Times compare as text, as UTC ISO times sort; `since` is inclusive and
 * `until` exclusive, revision bounds both inclusive.
 */
export declare function pageConditions(filter: DecisionFilter): {
    column: string;
    op: string;
    value: unknown;
}[];
/** Whether one record matches the whole filter (`limit` aside). */
export declare function matchesDecision(record: DecisionRecord, filter: DecisionFilter): boolean;
/** What a purge does to one page: delete it whole, keep it, or rewrite it with the younger records. */
export declare function purgePage(page: {
    baseSeq: number;
    body: string;
}, olderThan: string): {
    removed: number;
    rewritten: DecisionPage | null | "keep";
};
/** A page's columns in the order of `decision_pages` (both stores insert them so). */
export declare function pageValues(page: DecisionPage): unknown[];
