import type { Expression, MemberDef, RelationDef } from "../schema/compiled.js";
import type { SubjectList } from "./data-index.js";
import { edgeKey, stepKey } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import { depthExceeded } from "./limits.js";

/** The operations a set of subjects needs for a walk over the schema's expressions. */
export interface SetAlgebra<S> {
  readonly empty: S;
  isEmpty(s: S): boolean;
  union(a: S, b: S): S;
  intersection(a: S, b: S): S;
  difference(a: S, b: S): S;
}

/**
 * Computes a set of subjects for an (object, member) by walking its expression: unions,
 * intersections, exclusions and arrows combine the sets of the parts; a relation's own set comes
 * from the subclass. Shared by `SubjectSets` (who has a member, for plans) and `LookupSets`
 * (what LookupSubjects lists).
 *
 * Results are memoised for the life of the instance (one data state, one schema). A cycle is
 * cut as in `Evaluator.check`; a result computed while an enclosing step was cut may be partial
 * for that step, so such results are not memoised.
 */
export abstract class MemberSetWalk<S> {
  protected readonly memo = new Map<number, S>();
  private readonly path: number[] = [];
  private cuts = 0;

  constructor(
    protected readonly evaluator: Evaluator,
    protected readonly algebra: SetAlgebra<S>,
  ) {
    evaluator.refresh();
  }

  /**
   * The set of a relation on an object, from its plain subjects and its userset subjects (edge
   * keys; not both undefined); `depth + 1` for the members its usersets name.
   */
  protected abstract relation(
    direct: SubjectList | undefined,
    usersets: SubjectList | undefined,
    depth: number,
  ): S;

  /** A last word on a member's set (LookupSets adds the userset that contains itself). */
  protected completed(_object: number, _member: MemberDef, result: S): S {
    return result;
  }

  protected member(object: number, member: MemberDef, depth: number): S {
    const key = stepKey(object, member.id);
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.path.includes(key)) {
      this.cuts++;
      return this.algebra.empty;
    }
    if (depth > this.evaluator.maxDepth) depthExceeded(this.evaluator, object, member);
    const cutsBefore = this.cuts;
    this.path.push(key);
    const result = this.completed(
      object,
      member,
      member.kind === "relation"
        ? this.relationOf(object, member, depth)
        : this.expression(object, member.expression, depth),
    );
    this.path.pop();
    if (this.cuts === cutsBefore) this.memo.set(key, result);
    return result;
  }

  private relationOf(object: number, relation: RelationDef, depth: number): S {
    const data = this.evaluator.data;
    const slot = this.evaluator.slotOf(relation);
    if (slot < 0) return this.algebra.empty;
    const key = edgeKey(object, slot);
    const direct = data.direct.get(key);
    const usersets = data.usersets.get(key);
    if (direct === undefined && usersets === undefined) return this.algebra.empty;
    return this.relation(direct, usersets, depth);
  }

  protected expression(object: number, e: Expression, depth: number): S {
    const algebra = this.algebra;
    switch (e.op) {
      case "nil":
        return algebra.empty;
      case "self":
        // The object itself, as the one plain subject of a relation would be.
        return this.relation(object, undefined, depth);
      case "ref":
        return this.member(object, e.member, depth);
      case "union":
        return e.operands.reduce<S>(
          (acc, o) => algebra.union(acc, this.expression(object, o, depth)),
          algebra.empty,
        );
      case "intersection": {
        let acc = this.expression(object, e.operands[0]!, depth);
        for (const o of e.operands.slice(1)) {
          if (algebra.isEmpty(acc)) return algebra.empty;
          acc = algebra.intersection(acc, this.expression(object, o, depth));
        }
        return acc;
      }
      case "exclusion": {
        const base = this.expression(object, e.base, depth);
        return algebra.isEmpty(base)
          ? algebra.empty
          : algebra.difference(base, this.expression(object, e.subtracted, depth));
      }
      case "arrow": {
        const slot = this.evaluator.slotOf(e.tupleset);
        if (slot < 0) return algebra.empty;
        let acc: S | undefined;
        for (const next of this.evaluator.arrowTargets(edgeKey(object, slot))) {
          const type = this.evaluator.schemaTypeOf(next);
          const target = type === undefined ? undefined : e.computedByType.get(type.id);
          const set = target === undefined ? algebra.empty : this.member(next, target, depth + 1);
          acc =
            acc === undefined
              ? set
              : e.mode === "all"
                ? algebra.intersection(acc, set)
                : algebra.union(acc, set);
        }
        return acc ?? algebra.empty;
      }
    }
  }
}
