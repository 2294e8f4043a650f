import type { Expression, MemberDef } from "../schema/compiled.js";
import { iterate, type SubjectList } from "./data-index.js";
import { keyObject, keyRelation, stepKey } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import { MemberSetWalk, type SetAlgebra } from "./member-set-walk.js";
import { difference, EMPTY, intersection, type SubjectSet, SubjectSetBuilder, union } from "./subject-set.js";

const SUBJECT_SETS: SetAlgebra<SubjectSet> = {
  empty: EMPTY,
  isEmpty: (s) => s.size === 0,
  union,
  intersection,
  difference,
};

/**
 * Computes, for an (object, member), the complete set of plain subjects (objects without a
 * subject relation, and wildcards) that have it: what a check would answer for every subject at
 * once. Plans diff these sets before and after a change.
 *
 * Results are memoised for the life of this instance (see `MemberSetWalk`).
 */
export class SubjectSets extends MemberSetWalk<SubjectSet> {
  constructor(evaluator: Evaluator) {
    super(evaluator, SUBJECT_SETS);
  }

  of(object: number, member: MemberDef): SubjectSet {
    return this.member(object, member, 0);
  }

  /** The subjects an expression of `object`'s type grants (a part of a permission). */
  ofExpression(object: number, expression: Expression): SubjectSet {
    return this.expression(object, expression, 0);
  }

  /**
   * Drops what is remembered of one object's own members. A plan streaming over a large region
   * calls it once it has diffed the object, so that only shared results (groups, folders) stay.
   */
  forget(object: number, members: Iterable<MemberDef>): void {
    for (const member of members) this.memo.delete(stepKey(object, member.id));
  }

  protected relation(
    direct: SubjectList | undefined,
    usersets: SubjectList | undefined,
    depth: number,
  ): SubjectSet {
    const evaluator = this.evaluator;
    const data = evaluator.data;
    const builder = new SubjectSetBuilder();
    if (direct !== undefined) {
      for (const subject of iterate(direct)) {
        const type = data.objectTypes[subject]!;
        if (data.wildcardOf[type] === subject) builder.addEveryone(type);
        else builder.addObject(type, subject);
      }
    }
    let result = builder.build();
    if (usersets !== undefined) {
      for (const value of iterate(usersets)) {
        const next = keyObject(value);
        const target = evaluator.usersetTarget(next, keyRelation(value));
        if (target !== null) result = union(result, this.member(next, target, depth + 1));
      }
    }
    return result;
  }
}
