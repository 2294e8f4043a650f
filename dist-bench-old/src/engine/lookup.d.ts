import type { SubjectRef } from "../model/relationship.js";
import type { MemberDef } from "../schema/compiled.js";
import type { Evaluator } from "./evaluator.js";
/**
 * Lookups enumerate candidates by walking the relationship graph from the known end, then
 * confirm each candidate with a check. Any grant needs a chain of relationships from the
 * subject (or its type's wildcard) to the resource, so the walk finds a superset of the answer,
 * and the check makes it exact: lookups can never disagree with checks.
 */
/** Resources of type `resourceType` on which `subject` has `member`, as object ids, sorted. */
export declare function lookupResources(evaluator: Evaluator, member: MemberDef, subject: SubjectRef): string[];
export interface FoundSubject {
    /** `id` is `*` for a wildcard. */
    readonly subject: SubjectRef;
    /** For a wildcard: the subjects of the type that it does not include. */
    readonly excluded: readonly SubjectRef[];
}
/**
 * Subjects of `subjectType` (with `subjectRelation`, if given) that have `member` on `object`.
 * When every subject of the type qualifies through a wildcard, the answer holds `type:*` with
 * the known exceptions, as SpiceDB's LookupSubjects does.
 */
export declare function lookupSubjects(evaluator: Evaluator, object: number, member: MemberDef, subjectType: string, subjectRelation?: string): FoundSubject[];
