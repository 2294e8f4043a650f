import type { AccessRow } from "../engine/access-diff.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { ChangeContext } from "./change-context.js";
import { type LifecycleOptions } from "./deletion.js";
/**
 * Merge: every relationship of a duplicate subject moved onto the real one, as one change with
 * intent `merge`. Incident 001's duplicates should have been merged, not purged: a merge loses
 * nothing. The access-neutral guard holds it to that for everyone except the two subjects
 * themselves (FROM loses what it had, INTO gains it), and the plan shows what INTO gains.
 */
export interface MergeFacts {
    readonly from: string;
    readonly into: string;
    /** Relationships of FROM that are rewritten onto INTO (some may exist on INTO already). */
    readonly moved: number;
    /** Accesses INTO (or usersets of it) gains, and on INTO itself as a resource. */
    readonly intoGains: readonly AccessRow[];
    /** Accesses that change for any other subject: must be none. */
    readonly othersChanged: number;
}
/** The object (`type:id`) a plan row's subject or resource names, without any relation. */
export declare function objectOf(text: string): string;
/** Rows about FROM or INTO themselves, which a merge changes by design. */
export declare function mergeExempt(row: AccessRow, objects: readonly string[]): boolean;
export declare function mergeFacts(from: string, into: string, moved: number, gained: readonly AccessRow[], lost: readonly AccessRow[]): MergeFacts;
export declare function proposeMerge(context: ChangeContext, fromText: string, intoText: string, options: LifecycleOptions): Promise<ChangeRecord>;
