import type { Expression, MemberDef } from "../schema/compiled.js";
import type { Evaluator } from "./evaluator.js";
import { type SubjectSet } from "./subject-set.js";
/**
 * Computes, for an (object, member), the complete set of plain subjects (objects without a
 * subject relation, and wildcards) that have it: what a check would answer for every subject at
 * once. Plans diff these sets before and after a change.
 *
 * Results are memoised for the life of this instance (one data state, one schema). A cycle is
 * cut as in `Evaluator.check`; a result computed while an enclosing step was cut may be partial
 * for that step, so such results are not memoised.
 */
export declare class SubjectSets {
    private readonly evaluator;
    private readonly memo;
    private readonly path;
    private cuts;
    constructor(evaluator: Evaluator);
    of(object: number, member: MemberDef): SubjectSet;
    /** The subjects an expression of `object`'s type grants (a part of a permission). */
    ofExpression(object: number, expression: Expression): SubjectSet;
    /**
     * Drops what is remembered of one object's own members. A plan streaming over a large region
     * calls it once it has diffed the object, so that only shared results (groups, folders) stay.
     */
    forget(object: number, members: Iterable<MemberDef>): void;
    private member;
    private relation;
    private expression;
}
