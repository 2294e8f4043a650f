import type { CompiledSchema, Expression, MemberDef, RelationDef, TypeDef } from "../schema/compiled.js";
import { type DataIndex, iterate, listHas, NO_RELATION, RELATION_SLOTS } from "./data-index.js";
import { depthExceeded } from "./limits.js";
import type { ResolvedSubject } from "./subject.js";

/** Members per schema, for the (object, member) keys of the cycle path. */
const MEMBER_SLOTS = 1 << 16;

export interface EvaluatorOptions {
  /** How many object hops (userset or arrow steps) one check may take. */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 50;

/**
 * Evaluates checks of one schema over one tenant's data. The hot path allocates nothing:
 * a check walks the compiled expression, the edge maps and a shared path stack.
 *
 * Cycles in the data (a group inside itself, a folder its own ancestor) are cut: a step that
 * is already on the current path answers "no" for that path. For unions and intersections
 * that gives the exact answer, since a proof never needs to pass the same step twice; SpiceDB
 * itself answers such checks with a max-depth error instead.
 */
export class Evaluator {
  readonly schema: CompiledSchema;
  readonly data: DataIndex;
  readonly maxDepth: number;

  /** member id → relation slot in the data (-1: no relationship uses the name). */
  private memberSlot: Int32Array;
  private knownRelations = -1;
  /** data type number → schema type (undefined when the schema lacks the type). */
  private schemaTypes: (TypeDef | undefined)[] = [];
  /** (data type, relation slot) → the member a userset subject points at, or null. */
  private readonly usersetTargets = new Map<number, MemberDef | null>();

  private readonly path: number[] = [];
  private subject: ResolvedSubject = { object: -1, relation: NO_RELATION, wildcard: -1 };

  constructor(schema: CompiledSchema, data: DataIndex, options: EvaluatorOptions = {}) {
    this.schema = schema;
    this.data = data;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.memberSlot = new Int32Array(schema.members.length).fill(-1);
    this.refresh();
  }

  /** Brings the name caches up to date after the data learned new names. */
  refresh(): void {
    if (this.knownRelations !== this.data.relationNames.length) {
      for (const member of this.schema.members) {
        this.memberSlot[member.id] = this.data.relationId(member.name) ?? -1;
      }
      this.knownRelations = this.data.relationNames.length;
      this.usersetTargets.clear();
    }
    if (this.schemaTypes.length !== this.data.typeNames.length) {
      this.schemaTypes = this.data.typeNames.map((name) => this.schema.typesByName.get(name));
    }
  }

  slotOf(member: MemberDef): number {
    return this.memberSlot[member.id]!;
  }

  schemaTypeOf(object: number): TypeDef | undefined {
    return object < 0 ? undefined : this.schemaTypes[this.data.objectTypes[object]!];
  }

  /** The member that a userset subject `object#relation` stands for under this schema. */
  usersetTarget(object: number, relationSlot: number): MemberDef | null {
    const key = this.data.objectTypes[object]! * RELATION_SLOTS + relationSlot;
    let target = this.usersetTargets.get(key);
    if (target === undefined) {
      const type = this.schemaTypeOf(object);
      target = type?.members.get(this.data.relationNames[relationSlot]!) ?? null;
      this.usersetTargets.set(key, target);
    }
    return target;
  }

  /** Does `subject` have `member` on `object`? */
  check(object: number, member: MemberDef, subject: ResolvedSubject): boolean {
    this.refresh();
    this.subject = subject;
    this.path.length = 0;
    return this.member(object, member, 0);
  }

  private member(object: number, member: MemberDef, depth: number): boolean {
    const subject = this.subject;
    // A userset contains itself: `group:eng#member` is a member of `group:eng#member`.
    if (
      subject.relation !== NO_RELATION &&
      object === subject.object &&
      member.name === subject.relationName
    ) {
      return true;
    }
    if (depth > this.maxDepth) depthExceeded(this, object, member);
    const step = object * MEMBER_SLOTS + member.id;
    const path = this.path;
    if (path.includes(step)) return false;
    path.push(step);
    const result =
      member.kind === "relation"
        ? this.relation(object, member, depth)
        : this.expression(object, member.expression, depth);
    path.pop();
    return result;
  }

  private relation(object: number, relation: RelationDef, depth: number): boolean {
    const slot = this.memberSlot[relation.id]!;
    if (slot < 0 || object < 0) return false;
    const key = object * RELATION_SLOTS + slot;
    const subject = this.subject;
    const direct = this.data.direct.get(key);
    if (direct !== undefined) {
      if (subject.relation === NO_RELATION && listHas(direct, subject.object)) return true;
      if (subject.wildcard >= 0 && listHas(direct, subject.wildcard)) return true;
    }
    const usersets = this.data.usersets.get(key);
    if (usersets === undefined) return false;
    if (
      subject.relation >= 0 &&
      subject.object >= 0 &&
      listHas(usersets, subject.object * RELATION_SLOTS + subject.relation)
    ) {
      return true;
    }
    for (const value of usersets) {
      const next = Math.floor(value / RELATION_SLOTS);
      const target = this.usersetTarget(next, value - next * RELATION_SLOTS);
      if (target !== null && this.member(next, target, depth + 1)) return true;
    }
    return false;
  }

  private expression(object: number, e: Expression, depth: number): boolean {
    switch (e.op) {
      case "nil":
        return false;
      case "ref":
        return this.member(object, e.member, depth);
      case "union":
        for (const operand of e.operands) if (this.expression(object, operand, depth)) return true;
        return false;
      case "intersection":
        for (const operand of e.operands) if (!this.expression(object, operand, depth)) return false;
        return true;
      case "exclusion":
        return this.expression(object, e.base, depth) && !this.expression(object, e.subtracted, depth);
      case "arrow": {
        const slot = this.memberSlot[e.tupleset.id]!;
        if (slot < 0 || object < 0) return false;
        const key = object * RELATION_SLOTS + slot;
        const all = e.mode === "all";
        let seen = 0;
        for (const next of this.arrowTargets(key)) {
          seen++;
          const type = this.schemaTypeOf(next);
          const target = type === undefined ? undefined : e.computedByType.get(type.id);
          const granted = target !== undefined && this.member(next, target, depth + 1);
          if (granted && !all) return true;
          if (!granted && all) return false;
        }
        return all && seen > 0;
      }
    }
  }

  /**
   * The objects an arrow walks to: every subject of the tupleset relation, taken as the object
   * itself whether or not the relationship names a subject relation (as SpiceDB walks them).
   */
  *arrowTargets(key: number): Iterable<number> {
    const direct = this.data.direct.get(key);
    if (direct !== undefined) yield* direct;
    const usersets = this.data.usersets.get(key);
    if (usersets !== undefined)
      for (const value of iterate(usersets)) yield Math.floor(value / RELATION_SLOTS);
  }
}
