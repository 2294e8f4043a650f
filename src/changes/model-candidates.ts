import type { DataIndex } from "../engine/data-index.js";
import { iterate } from "../engine/data-index.js";
import { edgeKey, keyObject, keyRelation, stepKey } from "../engine/encodings.js";
import type { Evaluator } from "../engine/evaluator.js";
import type { SubjectSet } from "../engine/subject-set.js";
import type { SubjectSets } from "../engine/subject-sets.js";
import type { CompiledSchema, Expression, MemberDef } from "../schema/compiled.js";
import { formatExpression } from "../schema/format-expression.js";

/**
 * For a model change, the subjects whose answer on (object, member) MAY differ between the two
 * schemas: a superset of the true difference, usually tiny, found without computing the full
 * subject sets. A plan then checks just these subjects under both schemas.
 *
 * Why it is small: both schemas read the same data, so a member whose definition and
 * dependencies did not change answers the same for everyone (no candidates). A member that only
 * depends on changed ones differs at most where its parts differ (the candidates of its parts).
 * A member whose definition changed is compared part by part: when the new definition is the
 * old one plus a union operand, minus a subtracted part (`edit = (owner + editor) - banned`), or
 * the reverse, only the subjects of the added or removed part can move. Anything else falls
 * back to every subject of both definitions.
 *
 * `EVERYONE` means "too many to list": a wildcard is involved, or the data has a cycle through
 * the member. The plan then diffs that (object, permission) in full, as it always could.
 */
export const EVERYONE = Symbol("everyone");
export type Candidates = ReadonlySet<number> | typeof EVERYONE;

const NONE: ReadonlySet<number> = new Set();

export interface SchemaSide {
  readonly schema: CompiledSchema;
  readonly evaluator: Evaluator;
  readonly sets: SubjectSets;
}

export class ModelCandidates {
  private readonly memo = new Map<number, Candidates>();
  private readonly inProgress = new Set<number>();
  private readonly nameIds = new Map<string, number>();

  constructor(
    private readonly data: DataIndex,
    private readonly before: SchemaSide,
    private readonly after: SchemaSide,
    /** `type#member` names whose answers may differ (schema-diff's `changedMembers`). */
    private readonly changed: ReadonlySet<string>,
  ) {}

  /** Candidates of `object`'s member `name` (a relation or permission in either schema). */
  forMember(object: number, name: string): Candidates {
    const typeName = this.data.typeNameOf(object);
    if (!this.changed.has(`${typeName}#${name}`)) return NONE;
    let nameId = this.nameIds.get(name);
    if (nameId === undefined) {
      nameId = this.nameIds.size;
      this.nameIds.set(name, nameId);
    }
    const key = stepKey(object, nameId);
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    // A cycle in the data through this member: the candidates of the cycle would depend on
    // themselves; the full diff handles cycles exactly.
    // Past a few hundred nested steps the evaluators' depth limit applies; the full diff reports it.
    if (this.inProgress.has(key) || this.inProgress.size > 200) return EVERYONE;
    this.inProgress.add(key);
    let result: Candidates;
    try {
      result = this.compute(object, typeName, name);
    } finally {
      this.inProgress.delete(key);
    }
    this.memo.set(key, result);
    return result;
  }

  private compute(object: number, typeName: string, name: string): Candidates {
    const b = this.before.schema.typesByName.get(typeName)?.members.get(name);
    const a = this.after.schema.typesByName.get(typeName)?.members.get(name);
    if (!b || !a || b.kind !== a.kind) {
      return unite([
        b ? this.membersOf(this.before, object, b) : NONE,
        a ? this.membersOf(this.after, object, a) : NONE,
      ]);
    }
    if (b.kind === "relation") return this.relationPair(object, b);
    if (a.kind === "relation") return EVERYONE; // unreachable: kinds are equal
    return this.expressionPair(object, b.expression, a.expression);
  }

  /**
   * A relation reads the same relationships under both schemas; only what its userset subjects
   * (`group:g#member`) stand for can differ.
   */
  private relationPair(object: number, relation: MemberDef): Candidates {
    const slot = this.before.evaluator.slotOf(relation);
    if (slot < 0) return NONE;
    const usersets = this.data.usersets.get(edgeKey(object, slot));
    if (usersets === undefined) return NONE;
    const parts: Candidates[] = [];
    for (const value of iterate(usersets)) {
      const next = keyObject(value);
      const targetSlot = keyRelation(value);
      const tb = this.before.evaluator.usersetTarget(next, targetSlot);
      const ta = this.after.evaluator.usersetTarget(next, targetSlot);
      if (tb === null && ta === null) continue;
      parts.push(this.forMember(next, (tb ?? ta)!.name));
    }
    return unite(parts);
  }

  private expressionPair(object: number, eb: Expression, ea: Expression): Candidates {
    const sb = formatExpression(eb);
    const sa = formatExpression(ea);
    if (sb === sa) return this.sameShape(object, eb, ea);
    // The same operator over parts that changed: a subject outside every part's candidates
    // is in each part on both sides alike, so the whole answers alike.
    if (eb.op === "exclusion" && ea.op === "exclusion") {
      return unite([
        this.expressionPair(object, eb.base, ea.base),
        this.expressionPair(object, eb.subtracted, ea.subtracted),
      ]);
    }
    if (eb.op === "intersection" && ea.op === "intersection" && eb.operands.length === ea.operands.length) {
      return unite(eb.operands.map((o, i) => this.expressionPair(object, o, ea.operands[i]!)));
    }
    // One side is the other plus a subtracted part: only that part's subjects can move.
    if (ea.op === "exclusion" && formatExpression(ea.base) === sb) {
      return unite([
        this.expressionPair(object, eb, ea.base),
        this.elements(this.after, object, ea.subtracted),
      ]);
    }
    if (eb.op === "exclusion" && formatExpression(eb.base) === sa) {
      return unite([
        this.expressionPair(object, eb.base, ea),
        this.elements(this.before, object, eb.subtracted),
      ]);
    }
    // A union that gained or lost operands: the added or removed operands' subjects can move,
    // the shared operands move only where their own candidates do.
    const operandsB = eb.op === "union" ? eb.operands : [eb];
    const operandsA = ea.op === "union" ? ea.operands : [ea];
    if (operandsB.length > 1 || operandsA.length > 1) {
      const unmatchedA = [...operandsA];
      const parts: Candidates[] = [];
      for (const ob of operandsB) {
        const text = formatExpression(ob);
        const at = unmatchedA.findIndex((oa) => formatExpression(oa) === text);
        if (at < 0) parts.push(this.elements(this.before, object, ob));
        else {
          parts.push(this.sameShape(object, ob, unmatchedA[at]!));
          unmatchedA.splice(at, 1);
        }
      }
      for (const oa of unmatchedA) parts.push(this.elements(this.after, object, oa));
      return unite(parts);
    }
    return unite([this.elements(this.before, object, eb), this.elements(this.after, object, ea)]);
  }

  /** Two expressions written alike: they differ only where the members they name differ. */
  private sameShape(object: number, eb: Expression, ea: Expression): Candidates {
    switch (eb.op) {
      case "nil":
      case "self":
        return NONE;
      case "ref":
        return this.forMember(object, eb.member.name);
      case "union":
      case "intersection": {
        if (ea.op !== eb.op || ea.operands.length !== eb.operands.length) return EVERYONE;
        return unite(eb.operands.map((o, i) => this.sameShape(object, o, ea.operands[i]!)));
      }
      case "exclusion": {
        if (ea.op !== "exclusion") return EVERYONE;
        return unite([
          this.sameShape(object, eb.base, ea.base),
          this.sameShape(object, eb.subtracted, ea.subtracted),
        ]);
      }
      case "arrow": {
        // The same relation walked to the same name: only the targets' answers can differ.
        const slot = this.before.evaluator.slotOf(eb.tupleset);
        if (slot < 0) return NONE;
        const parts: Candidates[] = [];
        for (const next of this.before.evaluator.arrowTargets(edgeKey(object, slot))) {
          parts.push(this.forMember(next, eb.computed));
          if (parts.at(-1) === EVERYONE) return EVERYONE;
        }
        return unite(parts);
      }
    }
  }

  /** Every plain subject an expression grants under one schema, or EVERYONE past a wildcard. */
  private elements(side: SchemaSide, object: number, e: Expression): Candidates {
    return plainSubjects(side.sets.ofExpression(object, e));
  }

  private membersOf(side: SchemaSide, object: number, member: MemberDef): Candidates {
    return plainSubjects(side.sets.of(object, member));
  }
}

function plainSubjects(set: SubjectSet): Candidates {
  const out = new Set<number>();
  for (const t of set.values()) {
    if (t.all) return EVERYONE;
    for (const x of t.members) out.add(x);
  }
  return out;
}

function unite(parts: readonly Candidates[]): Candidates {
  let out: Set<number> | undefined;
  let only: ReadonlySet<number> = NONE;
  for (const part of parts) {
    if (part === EVERYONE) return EVERYONE;
    if (part.size === 0) continue;
    if (only.size === 0) {
      only = part;
      continue;
    }
    out ??= new Set(only);
    for (const x of part) out.add(x);
  }
  return out ?? only;
}
