import type { Evaluator } from "../engine/evaluator.js";
import type { SubjectSets } from "../engine/subject-sets.js";
import type { Relationship } from "../model/relationship.js";
/**
 * Which subjects' access a data change can move, per affected object.
 *
 * A subject's access to an object changes only if some way it gets (or is denied) that access
 * runs through a relationship the change writes or deletes. Such a relationship `r#rel@s` can
 * only matter to subjects that `s` itself stands for: `s` when it is a plain object, and every
 * subject that has any relation or permission on `s` (reached through a userset `s#x`, or an
 * arrow that walks to `s`). So instead of computing every subject set of the region before and
 * after, a plan checks just these candidates, before and after, on just the objects that depend
 * on the changed relationship. When a wildcard is among them, every subject of the type could
 * move, and the object is diffed in full.
 */
export interface Candidates {
    /** object → subjects to compare on it */
    readonly subjects: Map<number, Set<number>>;
    /**
     * object → the touched relations (`type#relation`) whose changes reach it: only permissions
     * that read one of them can move there (deleting a `viewer` grant cannot change `edit`).
     */
    readonly relations: Map<number, Set<string>>;
    /** objects to diff in full (a wildcard is involved) */
    readonly full: Set<number>;
}
export declare function emptyCandidates(): Candidates;
/** Adds what the current state of `data` says to `into` (call once before and once after the delta). */
export declare function collectCandidates(evaluator: Evaluator, sets: SubjectSets, touched: readonly Relationship[], into: Candidates): void;
