import type { DivergenceCount, DivergentCheck } from "../store/shadow-records.js";
/**
 * What shadow evaluation and decision replay both report: out of how many checks, which
 * answered differently under the candidate, counted by tenant and permission, and every
 * distinct divergent check (up to a limit, past which `truncated` says the list is a sample).
 */
export interface DivergenceReport {
    /** Checks observed (shadow) or decisions replayed (replay). */
    readonly checks: number;
    /** Since when: the session's start, or the oldest decision replayed. */
    readonly since: string | null;
    /** Until when: the session's stop (null while it runs), or the newest decision replayed. */
    readonly until: string | null;
    readonly candidate: {
        readonly change: number;
    };
    readonly wouldBlock: number;
    readonly wouldAllow: number;
    /** Ordered by tenant, permission. `permission` is `type#permission`. */
    readonly byPermission: readonly PermissionDivergence[];
    readonly divergences: readonly DivergentCheck[];
    readonly truncated: boolean;
}
export interface PermissionDivergence {
    readonly tenant: string;
    readonly permission: string;
    readonly wouldBlock: number;
    readonly wouldAllow: number;
}
/** Folds counts by direction into one row per tenant and permission, with totals. */
export declare function summarise(counts: readonly DivergenceCount[]): {
    byPermission: PermissionDivergence[];
    wouldBlock: number;
    wouldAllow: number;
};
/**
 * The report for people: who would be blocked and who would be let in, grouped by tenant and
 * permission, one subject and resource a line.
 */
export declare function formatDivergenceReport(report: DivergenceReport, heading: string): string;
