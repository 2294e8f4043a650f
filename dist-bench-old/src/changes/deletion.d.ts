import { type ObjectRef, type Relationship } from "../model/relationship.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { LifecycleRecord, LifecycleScope } from "../store/lifecycle-records.js";
import type { RelationshipFilter } from "../store/store.js";
import type { Actor, ChangeContext } from "./change-context.js";
/**
 * Soft deletion and restore of a subject (every relationship where it is the resource or the
 * subject) or of a whole tenant. Both are ordinary changes (intents `delete` and `restore`),
 * planned, guarded, approved and applied like any other; a lifecycle record names what they
 * are about, so that a restore brings back exactly what the deletions of that subject removed.
 */
export interface LifecycleTarget {
    readonly scope: LifecycleScope;
    /** The tenant the change acts in. */
    readonly tenant: string;
    /** `type:id` for a subject, the tenant's name for a tenant. */
    readonly target: string;
    /** The object, for a subject. */
    readonly subject: ObjectRef | undefined;
    /** Selects every relationship the target owns or is named in. */
    readonly filters: readonly RelationshipFilter[];
}
/** What names a target in the store's lifecycle records. */
export type TargetName = Pick<LifecycleTarget, "scope" | "tenant" | "target">;
export type LifecycleOptions = Actor & {
    readonly tenant: string;
    readonly reason?: string | undefined;
};
/** Reads a command's target: a subject of a known type, or a tenant that exists. */
export declare function resolveTarget(context: ChangeContext, scope: LifecycleScope, text: string, tenant: string): Promise<LifecycleTarget>;
export declare function describeTarget(t: {
    scope: LifecycleScope;
    target: string;
    tenant: string;
}): string;
/** An applied deletion of the target, with what it removed. */
export interface AppliedDeletion {
    readonly record: LifecycleRecord;
    readonly change: ChangeRecord;
    readonly deleted: readonly Relationship[];
    /** Set when an applied purge made it final. */
    readonly purgedBy: number | undefined;
}
/** Applied (and not reverted) deletions of the target, oldest first. */
export declare function appliedDeletions(context: ChangeContext, target: TargetName): Promise<AppliedDeletion[]>;
/**
 * What the deletions removed and is not live again (a later change may have written some of it
 * back), by tuple text: what a restore writes back, and what a purge removes for good.
 */
export declare function stillDeleted(context: ChangeContext, tenant: string, deletions: readonly AppliedDeletion[]): Map<string, Relationship>;
/** Proposes the soft deletion of a subject or tenant: every live relationship it is part of. */
export declare function proposeDeletion(context: ChangeContext, scope: LifecycleScope, text: string, options: LifecycleOptions): Promise<ChangeRecord>;
/**
 * Proposes the change that writes back what the applied deletions of the target removed and is
 * not live again; relationships deleted by other changes stay deleted.
 */
export declare function proposeRestore(context: ChangeContext, scope: LifecycleScope, text: string, options: LifecycleOptions): Promise<ChangeRecord>;
/**
 * A restore proposed before a purge must not write back what the purge removed for good: its
 * plan is refused once any of its deletions has been purged.
 */
export declare function checkRestoreStillPossible(context: ChangeContext, record: LifecycleRecord): Promise<void>;
/**
 * Why a target has no applied deletion: never proposed, or proposed but not applied (or
 * reverted since), naming those changes so the person knows where to look.
 */
export declare function neverDeleted(context: ChangeContext, target: LifecycleTarget): Promise<string>;
