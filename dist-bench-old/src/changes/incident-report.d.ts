import type { AccessRow } from "../engine/access-diff.js";
import { type Revision, type Store } from "../store/store.js";
/**
 * The incident report: who gained and who lost access through a change (or between two
 * revisions), and, from the decision log, which of those accesses were actually used while the
 * change was live (allowed checks on a gained access: whom to notify) and which checks were
 * denied because of it (denied checks on a lost access: the work to redo). Per tenant, because
 * each tenant is a customer to notify.
 *
 * Gained and lost are computed exactly with the engine, on private indexes of the revisions
 * before and after, never from samples or from the log. The log only says what was used.
 */
export type IncidentSelector = {
    readonly change: number;
} | {
    readonly fromRevision: Revision;
    readonly toRevision: Revision;
};
/** Checks of one access in the window, folded: how often, first and last time. */
export interface UsedAccess {
    readonly resource: string;
    readonly permission: string;
    readonly subject: string;
    readonly checks: number;
    readonly first: string;
    readonly last: string;
}
export interface TenantIncident {
    readonly tenant: string;
    readonly gained: readonly AccessRow[];
    readonly lost: readonly AccessRow[];
    /** Allowed checks that only the change allowed. */
    readonly used: readonly UsedAccess[];
    /** Denied checks that only the change denied: the work to redo. */
    readonly denied: readonly UsedAccess[];
}
export interface IncidentReport {
    /** The change reported on, when the report is of a change. */
    readonly change: {
        readonly id: number;
        readonly intent: string;
        readonly reason: string;
        readonly author: string;
    } | null;
    /** The access difference is the one from `fromRevision` to `toRevision`. */
    readonly fromRevision: Revision;
    readonly toRevision: Revision;
    /**
     * The checks read from the decision log: those answered at revisions from `fromRevision` to
     * `toRevision` (inclusive; `null`: until now), i.e. while the change was live.
     */
    readonly window: {
        readonly fromRevision: Revision;
        readonly toRevision: Revision | null;
        readonly since: string | null;
        readonly until: string | null;
        /**
         * Why the window ends: the id of the change that undid it (its revert, or for a deletion the
         * restore that brought back what it deleted), or null when it has not ended.
         */
        readonly revertedBy: number | null;
        /** That change's intent (`revert` or `restore`), or null. */
        readonly endedBy: "revert" | "restore" | null;
    };
    /** Checks of the window read from the log (every tenant the difference touches). */
    readonly checksRead: number;
    readonly tenants: readonly TenantIncident[];
}
export declare function incidentReport(store: Store, selector: IncidentSelector, options?: {
    readonly maxDepth?: number | undefined;
}): Promise<IncidentReport>;
