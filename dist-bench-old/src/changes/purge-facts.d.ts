import type { LifecycleScope } from "../store/lifecycle-records.js";
/** What a purge's plan shows, and what the apply re-checks. */
export interface PurgeFacts {
    readonly scope: LifecycleScope;
    readonly target: string;
    /** The deletion changes it makes final. */
    readonly deletions: readonly number[];
    readonly relationships: readonly string[];
    /** Rows (all revisions) in the export bundle. */
    readonly rows: number;
    readonly export: {
        readonly path: string;
        readonly sha256: string;
        readonly bytes: number;
    };
    readonly retentionDays: number;
    /** When the last of its deletions leaves the retention window. */
    readonly possibleFrom: string;
}
