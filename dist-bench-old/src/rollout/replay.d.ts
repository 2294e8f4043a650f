import type { Revision, Store } from "../store/store.js";
import { type DivergenceReport } from "./divergence-report.js";
export interface ReplayOptions {
    /** Only decisions answered within this long before now (`24h`, `7d`); default: the whole log. */
    readonly since?: string | undefined;
    readonly now: () => Date;
    readonly maxDepth?: number | undefined;
}
export interface ReplayReport extends DivergenceReport {
    /** The revision whose data (and active schema) the decisions were evaluated at. */
    readonly revision: Revision;
    /** Distinct checks among the decisions, and how many of them the change could move. */
    readonly distinct: number;
    readonly evaluated: number;
}
/**
 * Replays the decision log against a change: every recorded check the change could affect is
 * evaluated twice on the store's current data, under the active schema and under the candidate
 * (the change's schema, and its writes and deletes applied to a private copy of its tenant's
 * index, never to a live one), and the checks that answer differently are reported in the shape
 * of a shadow report. Comparing two answers on the same data, rather than the recorded answer,
 * keeps data written since the decision out of the result: only the change itself shows.
 */
export declare function replayDecisions(store: Store, changeId: number, options: ReplayOptions): Promise<ReplayReport>;
