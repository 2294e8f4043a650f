import type { MemberDef } from "../schema/compiled.js";
import { iterate, NO_RELATION, type SubjectList } from "./data-index.js";
import { keyObject, keyRelation } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import { MemberSetWalk, type SetAlgebra } from "./member-set-walk.js";

/**
 * The subjects of one type that LookupSubjects lists for an (object, member), in SpiceDB's form:
 * the subjects named by concrete relationships, and possibly the type's wildcard with the
 * subjects it excludes. Unlike `SubjectSets` (which answers who has a member), this keeps how a
 * subject got there: a subject that only a wildcard reaches is covered by the wildcard and not
 * named, even where another part of the expression names it (`banned` in `viewer - banned`).
 *
 * The algebra is SpiceDB's (internal/datasets/basesubjectset.go):
 * - union: concrete subjects of both sides; a wildcard if either has one, excluding what both
 *   exclude (and no subject that is named concretely);
 * - intersection: a concrete subject of one side stays where the other side has it, concretely
 *   or through its wildcard; a wildcard only if both have one, excluding what either excludes;
 * - exclusion: concrete subjects the subtracted side does not hold; a wildcard minus a wildcard
 *   leaves, concretely, what the subtracted wildcard excluded and the base's did not.
 */
export interface LookupSet {
  readonly concrete: ReadonlySet<number>;
  readonly wildcard: boolean;
  /** Only meaningful with `wildcard`. */
  readonly excluded: ReadonlySet<number>;
}

const NONE: ReadonlySet<number> = new Set();
const EMPTY: LookupSet = { concrete: NONE, wildcard: false, excluded: NONE };
const LOOKUP_SETS: SetAlgebra<LookupSet> = {
  empty: EMPTY,
  isEmpty,
  union,
  intersection,
  difference,
};

export class LookupSets extends MemberSetWalk<LookupSet> {
  private readonly wildcardObject: number;

  /**
   * Subjects of type `typeId` (data type number); with `relationSlot` other than `NO_RELATION`,
   * usersets `object#relation` of that type (`relationName` is the relation's name).
   */
  constructor(
    evaluator: Evaluator,
    private readonly typeId: number,
    private readonly relationSlot: number,
    private readonly relationName: string | undefined,
  ) {
    super(evaluator, LOOKUP_SETS);
    this.wildcardObject = evaluator.data.wildcardOf[typeId]!;
  }

  of(object: number, member: MemberDef): LookupSet {
    return this.member(object, member, 0);
  }

  /** A userset contains itself: `doc:d1#member` is among the `doc#member` subjects of d1's member. */
  protected override completed(object: number, member: MemberDef, result: LookupSet): LookupSet {
    if (
      this.relationName === undefined ||
      member.name !== this.relationName ||
      this.evaluator.data.objectTypes[object] !== this.typeId
    )
      return result;
    return union(result, only(object));
  }

  protected relation(
    direct: SubjectList | undefined,
    usersets: SubjectList | undefined,
    depth: number,
  ): LookupSet {
    const evaluator = this.evaluator;
    const data = evaluator.data;
    const concrete = new Set<number>();
    let wildcard = false;
    if (direct !== undefined) {
      for (const subject of iterate(direct)) {
        if (subject === this.wildcardObject) wildcard = true;
        else if (this.relationSlot === NO_RELATION && data.objectTypes[subject] === this.typeId)
          concrete.add(subject);
      }
    }
    // One union of every part at the end, not one per userset: a relation may name many.
    const parts: LookupSet[] = [];
    if (usersets !== undefined) {
      for (const value of iterate(usersets)) {
        const next = keyObject(value);
        const named = keyRelation(value);
        if (named === this.relationSlot && data.objectTypes[next] === this.typeId) concrete.add(next);
        const target = evaluator.usersetTarget(next, named);
        if (target !== null) parts.push(this.member(next, target, depth + 1));
      }
    }
    return unionInto(concrete, wildcard, parts);
  }
}

/**
 * The union of `parts` and of a relation's own subjects (`concrete`, which it fills, and
 * `wildcard`, a wildcard without exclusions): as `union`, for many sets at once.
 */
function unionInto(concrete: Set<number>, wildcard: boolean, parts: readonly LookupSet[]): LookupSet {
  const exclusions: ReadonlySet<number>[] = wildcard ? [NONE] : [];
  for (const part of parts) {
    for (const x of part.concrete) concrete.add(x);
    if (part.wildcard) exclusions.push(part.excluded);
  }
  if (exclusions.length === 0) return { concrete, wildcard: false, excluded: NONE };
  // Excluded from the union: what every wildcard excludes, and no part names.
  const excluded = new Set<number>();
  for (const x of exclusions[0]!) if (!concrete.has(x) && exclusions.every((e) => e.has(x))) excluded.add(x);
  return { concrete, wildcard: true, excluded };
}

function only(object: number): LookupSet {
  return { concrete: new Set([object]), wildcard: false, excluded: NONE };
}

function isEmpty(s: LookupSet): boolean {
  return !s.wildcard && s.concrete.size === 0;
}

/** Does `s` hold `subject` (named, or through its wildcard)? */
function holds(s: LookupSet, subject: number): boolean {
  return s.concrete.has(subject) || (s.wildcard && !s.excluded.has(subject));
}

function union(a: LookupSet, b: LookupSet): LookupSet {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  // Copy the larger side whole (fast), add the smaller.
  const [large, small] =
    a.concrete.size >= b.concrete.size ? [a.concrete, b.concrete] : [b.concrete, a.concrete];
  const concrete = new Set(large);
  for (const x of small) concrete.add(x);
  const wildcard = a.wildcard || b.wildcard;
  const excluded = new Set<number>();
  if (wildcard) {
    const from = a.wildcard ? a.excluded : b.excluded;
    for (const x of from)
      if ((!a.wildcard || a.excluded.has(x)) && (!b.wildcard || b.excluded.has(x)) && !concrete.has(x))
        excluded.add(x);
  }
  return { concrete, wildcard, excluded };
}

function intersection(a: LookupSet, b: LookupSet): LookupSet {
  const concrete = new Set<number>();
  for (const x of a.concrete) if (holds(b, x)) concrete.add(x);
  for (const x of b.concrete) if (holds(a, x)) concrete.add(x);
  const wildcard = a.wildcard && b.wildcard;
  const excluded = new Set<number>();
  if (wildcard) for (const x of [...a.excluded, ...b.excluded]) if (!concrete.has(x)) excluded.add(x);
  return { concrete, wildcard, excluded };
}

function difference(a: LookupSet, b: LookupSet): LookupSet {
  const concrete = new Set<number>();
  for (const x of a.concrete) if (!holds(b, x)) concrete.add(x);
  if (a.wildcard && b.wildcard)
    for (const x of b.excluded) if (!a.excluded.has(x) && !b.concrete.has(x)) concrete.add(x);
  const wildcard = a.wildcard && !b.wildcard;
  const excluded = new Set<number>();
  if (wildcard) {
    for (const x of a.excluded) excluded.add(x);
    for (const x of b.concrete) if (!concrete.has(x)) excluded.add(x);
  }
  return { concrete, wildcard, excluded };
}
