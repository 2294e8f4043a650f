import { type AccessRow } from "../engine/access-diff.js";
import type { Engine } from "../engine/engine.js";
import type { ObjectRef, Relationship } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import type { LifecycleScope } from "../store/lifecycle-records.js";
/**
 * What a deletion takes away, for the reviewer: what the subject (or tenant) holds and who else
 * loses access. Incident 001 purged the account that held the customer's data because the two
 * duplicates looked alike; these facts make the one with the data stand out at the top of its
 * plan.
 */
export interface DeletionFacts {
    readonly scope: LifecycleScope;
    readonly target: string;
    /** Live relationships the deletion removes. */
    readonly relationships: number;
    /** Where the subject is the resource (`account:a1#member@user:ann`), by relation and subject type. */
    readonly asResource: readonly RelationCount[];
    /** Where the subject is the subject (`document:d1#owner@account:a1`), by resource type and relation. */
    readonly asSubject: readonly RelationCount[];
    /** Resources the subject itself can reach now, per permission (subject deletions only). */
    readonly reach: readonly ReachLine[];
    /** Subjects other than the deleted one that lose access, and what they lose. */
    readonly othersLosing: {
        readonly subjects: number;
        readonly resources: number;
        readonly accesses: number;
        readonly byPermission: readonly {
            resourceType: string;
            permission: string;
            subjects: number;
            resources: number;
        }[];
        /** Up to ten of them. */
        readonly examples: readonly string[];
    };
}
export interface RelationCount {
    readonly resourceType: string;
    readonly relation: string;
    readonly subjectType: string;
    readonly count: number;
    /** Distinct resources (asSubject) or subjects (asResource) involved. */
    readonly distinct: number;
}
export interface ReachLine {
    readonly resourceType: string;
    readonly permission: string;
    readonly count: number;
    /** Up to five of the resources. */
    readonly examples: readonly string[];
}
/**
 * Computes the facts on the live index, before the deletion's delta (call it before planning,
 * or at least not while the delta is applied).
 */
export declare function deletionFacts(input: {
    readonly scope: LifecycleScope;
    readonly target: string;
    readonly subject: ObjectRef | undefined;
    readonly tenant: string;
    readonly engine: Engine;
    readonly schema: CompiledSchema;
    readonly deletes: readonly Relationship[];
    readonly lost: readonly AccessRow[];
}): DeletionFacts;
/** The facts as the lines at the top of a plan, for people. */
export declare function formatDeletionFacts(facts: DeletionFacts): string[];
