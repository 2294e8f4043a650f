import type { Expression, MemberDef, RelationDef } from "../schema/compiled.js";
import { iterate } from "./data-index.js";
import { edgeKey, keyObject, keyRelation, stepKey } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import { depthExceeded } from "./limits.js";
import { difference, EMPTY, intersection, type SubjectSet, SubjectSetBuilder, union } from "./subject-set.js";

/**
 * Computes, for an (object, member), the complete set of plain subjects (objects without a
 * subject relation, and wildcards) that have it: what a check would answer for every subject at
 * once. Plans diff these sets before and after a change.
 *
 * Results are memoised for the life of this instance (one data state, one schema). A cycle is
 * cut as in `Evaluator.check`; a result computed while an enclosing step was cut may be partial
 * for that step, so such results are not memoised.
 */
export class SubjectSets {
  private readonly memo = new Map<number, SubjectSet>();
  private readonly path: number[] = [];
  private cuts = 0;

  constructor(private readonly evaluator: Evaluator) {
    evaluator.refresh();
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

  private member(object: number, member: MemberDef, depth: number): SubjectSet {
    const key = stepKey(object, member.id);
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.path.includes(key)) {
      this.cuts++;
      return EMPTY;
    }
    if (depth > this.evaluator.maxDepth) depthExceeded(this.evaluator, object, member);
    const cutsBefore = this.cuts;
    this.path.push(key);
    const result =
      member.kind === "relation"
        ? this.relation(object, member, depth)
        : this.expression(object, member.expression, depth);
    this.path.pop();
    if (this.cuts === cutsBefore) this.memo.set(key, result);
    return result;
  }

  private relation(object: number, relation: RelationDef, depth: number): SubjectSet {
    const evaluator = this.evaluator;
    const data = evaluator.data;
    const slot = evaluator.slotOf(relation);
    if (slot < 0) return EMPTY;
    const key = edgeKey(object, slot);
    const direct = data.direct.get(key);
    const usersets = data.usersets.get(key);
    if (direct === undefined && usersets === undefined) return EMPTY;
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

  private expression(object: number, e: Expression, depth: number): SubjectSet {
    switch (e.op) {
      case "nil":
        return EMPTY;
      case "ref":
        return this.member(object, e.member, depth);
      case "union":
        return e.operands.reduce<SubjectSet>(
          (acc, o) => union(acc, this.expression(object, o, depth)),
          EMPTY,
        );
      case "intersection": {
        let acc = this.expression(object, e.operands[0]!, depth);
        for (const o of e.operands.slice(1)) {
          if (acc.size === 0) return EMPTY;
          acc = intersection(acc, this.expression(object, o, depth));
        }
        return acc;
      }
      case "exclusion": {
        const base = this.expression(object, e.base, depth);
        return base.size === 0 ? EMPTY : difference(base, this.expression(object, e.subtracted, depth));
      }
      case "arrow": {
        const slot = this.evaluator.slotOf(e.tupleset);
        if (slot < 0) return EMPTY;
        let acc: SubjectSet | undefined;
        for (const next of this.evaluator.arrowTargets(edgeKey(object, slot))) {
          const type = this.evaluator.schemaTypeOf(next);
          const target = type === undefined ? undefined : e.computedByType.get(type.id);
          const set = target === undefined ? EMPTY : this.member(next, target, depth + 1);
          acc = acc === undefined ? set : e.mode === "all" ? intersection(acc, set) : union(acc, set);
        }
        return acc ?? EMPTY;
      }
    }
  }
}
