import type { CompiledSchema, Expression, MemberDef } from "../schema/compiled.js";
import type { SubjectList } from "./data-index.js";
import { keyObject, keyRelation, sidesOf } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";

/**
 * Everything that grants one member on one object, gathered once and kept across checks: for a
 * permission that is only a union of relations and arrows (a folder's
 * `view = edit + viewer + parent->view`), the subjects its relations name on the object and on
 * every object its arrows reach, transitively. A check that reaches a folder through an arrow
 * then asks "is the subject, or one of its groups, in this list?" instead of walking every
 * ancestor folder and reading four relations on each; and a folder's list serves every
 * document in it and every user who asks.
 *
 * The lists hold raw subjects, not answers: plain objects (and wildcards `user:*`) and userset
 * subjects as edge keys (`group:eng#member`). Whether a subject is in a userset comes from the
 * subject's memberships, which the evaluator keeps apart (and which change apart). So a list
 * depends only on the relations of the objects it read (`inputs`), and stays valid while none of
 * those objects has a relationship added or removed (`DataIndex.objectVersions`).
 *
 * What cannot be gathered this way is evaluated by walking, as before:
 * - members with an intersection, an exclusion or `.all()` anywhere below them (the subject
 *   must then be tested against parts separately);
 * - relations whose usersets name something other than a membership relation (a permission:
 *   answering it needs evaluation);
 * - objects whose arrows lead round in a cycle (the walk's cycle cut decides those);
 * - chains longer than the depth limit (the walk reports the limit).
 */
export interface GrantClosure {
  /** Plain subjects and wildcards the member's relations name, here and below. */
  readonly objects: readonly number[];
  /** Userset subjects (edge keys of membership relations) they name. */
  readonly usersets: readonly number[];
  /** Closures kept by reference rather than copied in, because copying would make lists long. */
  readonly links: readonly GrantClosure[];
  /** Whether any userset is named, here or in a link (answering then needs memberships). */
  readonly hasUsersets: boolean;
  /** The most arrow hops from the object to a relation read: the depth a walk would reach. */
  readonly depth: number;
  /** What it was built from, to tell after a write whether it still holds. */
  readonly source: ClosureSource;
}

/** A closure's inputs, apart from it: read only after a write, the closure itself on every check. */
export interface ClosureSource {
  /** The objects whose relations it read (its own, and those of the closures copied in). */
  readonly inputs: readonly number[];
  /** The sum of the inputs' `objectVersions` when it was built: it is stale once that moves. */
  readonly stamp: number;
  /** The data version it was last found fresh at. */
  checkedAt: number;
}

/** Subjects and inputs one closure copies in before it keeps the rest by reference. */
const FLAT_LIMIT = 64;

const NONE: readonly number[] = [];
const NO_LINKS: readonly GrantClosure[] = [];

/** A closure being built: meeting it again means the arrows went round in a cycle. */
const BUILDING = 0;
/** The member on this object is evaluated by walking (see the list above). */
const WALK = 1;
type Slot = GrantClosure | typeof BUILDING | typeof WALK | undefined;

/**
 * The members whose grants can be gathered (see above), by the schema alone: a relation whose
 * usersets all name membership relations (`pure`), a permission whose expression is unions,
 * references and `->`/`.any()` arrows onto such members. Recursion through arrows is fine (the
 * data decides how deep it goes), so the set is a greatest fixpoint: start from every member and
 * strike out until nothing changes.
 */
export function gatherableMembers(schema: CompiledSchema, pure: Uint8Array): Uint8Array {
  const ok = new Uint8Array(schema.members.length).fill(1);
  const expressionOk = (e: Expression): boolean => {
    switch (e.op) {
      case "nil":
        return true;
      case "ref":
        return ok[e.member.id] === 1;
      case "union":
        return e.operands.every(expressionOk);
      case "intersection":
      case "exclusion":
      // A closure holds what grants whoever asks; `self` grants only the object itself.
      case "self":
        return false;
      case "arrow":
        return e.mode === "any" && [...e.computedByType.values()].every((m) => ok[m.id] === 1);
    }
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const member of schema.members) {
      if (ok[member.id] !== 1) continue;
      const fine = member.kind === "relation" ? pure[member.id] === 1 : expressionOk(member.expression);
      if (!fine) {
        ok[member.id] = 0;
        changed = true;
      }
    }
  }
  return ok;
}

/**
 * The kept closures of one evaluator (one schema over one tenant's data), per member and
 * object, built on first use. After a write, a closure is checked once against the versions of
 * the objects it read, and rebuilt only if one of them moved: a write to one folder rebuilds the
 * closures of that folder and of the folders below it, no others. (Dropping every closure on
 * every write made a check cost 3 to 15 times more under a steady stream of writes.) Entries
 * that say "walk it" (a cycle, the depth limit) are stamped with the data version they were
 * decided at and decided again after any write. All are dropped when the data learns a new
 * relation name (the evaluator's relation slots move).
 */
export class GrantClosures {
  readonly #evaluator: Evaluator;
  /** member id → 1 when its grants can be gathered (see `gatherableMembers`). */
  readonly gatherable: Uint8Array;
  /**
   * member id → object → closure or marker. A closure is checked by its inputs (`#fresh`); a
   * marker holds where its stamp equals `data.version` + 1.
   */
  #byMember: Slot[][] = [];
  #stampsByMember: Float64Array[] = [];
  #knownRelations = -1;
  /** Arrow hops below the closure being built, to stop at the depth limit. */
  #buildDepth = 0;

  constructor(evaluator: Evaluator, gatherable: Uint8Array) {
    this.#evaluator = evaluator;
    this.gatherable = gatherable;
  }

  /** The closure of `member` on `object` (an object the data knows), or undefined: walk it. */
  of(object: number, member: MemberDef): GrantClosure | undefined {
    const data = this.#evaluator.data;
    if (this.#knownRelations !== data.relationNames.length) {
      this.#knownRelations = data.relationNames.length;
      this.#byMember = [];
      this.#stampsByMember = [];
    }
    const slot = this.#slot(object, member);
    return typeof slot === "object" ? slot : undefined;
  }

  /** Whether a closure still says what its inputs say (and its links what theirs say). */
  #fresh(closure: GrantClosure): boolean {
    const data = this.#evaluator.data;
    const source = closure.source;
    if (source.checkedAt === data.version) return true;
    if (inputStampOf(data.objectVersions, source.inputs) !== source.stamp) return false;
    for (const link of closure.links) if (!this.#fresh(link)) return false;
    source.checkedAt = data.version;
    return true;
  }

  #slot(object: number, member: MemberDef): Slot {
    let table = this.#byMember[member.id];
    let stamps = this.#stampsByMember[member.id];
    if (table === undefined || stamps === undefined || object >= table.length) {
      [table, stamps] = this.#grow(member, object);
    }
    // The stamp is the data version an entry was last found to hold at, + 1 (so that a new
    // slot's 0 holds nothing: see `#grow`): most checks stop here.
    const stamp = this.#evaluator.data.version + 1;
    if (stamps[object] === stamp) return table[object];
    const known = table[object];
    if (typeof known === "object" && this.#fresh(known)) {
      stamps[object] = stamp;
      return known;
    }
    if (this.#buildDepth > this.#evaluator.maxDepth) return WALK;
    table[object] = BUILDING;
    stamps[object] = stamp;
    const built = this.#build(object, member);
    table[object] = built;
    return built;
  }

  /**
   * A member's tables, grown to hold `object` (and every object the data has): dense arrays,
   * since writing far past the end of a sparse array makes it a slow dictionary.
   */
  #grow(member: MemberDef, object: number): [Slot[], Float64Array] {
    const old = this.#byMember[member.id] ?? [];
    const oldStamps = this.#stampsByMember[member.id] ?? new Float64Array(0);
    const size = Math.max(object + 1, this.#evaluator.data.objectKeys.length, old.length * 2);
    const table = new Array<Slot>(size).fill(undefined);
    for (let i = 0; i < old.length; i++) table[i] = old[i];
    // Left at 0, which no stamp is: a new typed array's memory is not touched until written.
    const stamps = new Float64Array(size);
    stamps.set(oldStamps);
    this.#byMember[member.id] = table;
    this.#stampsByMember[member.id] = stamps;
    return [table, stamps];
  }

  #build(object: number, member: MemberDef): GrantClosure | typeof WALK {
    const gathering = new Gathering();
    const data = this.#evaluator.data;
    return this.#gather(object, member, gathering) ? gathering.done(data.objectVersions, data.version) : WALK;
  }

  /** Adds what `member` on `object` names to `into`; false when it must be walked instead. */
  #gather(object: number, member: MemberDef, into: Gathering): boolean {
    const evaluator = this.#evaluator;
    if (member.kind === "relation") {
      const [direct, usersets] = this.#subjects(object, member, into);
      for (const value of listed(direct)) into.addObject(value);
      for (const value of listed(usersets)) {
        const next = keyObject(value);
        const relationSlot = keyRelation(value);
        // A userset of the data that names nothing under this schema grants nothing (as in the
        // walk); one that names anything but a membership relation needs the walk.
        if (evaluator.usersetTarget(next, relationSlot) === null) continue;
        if (!evaluator.isMembershipTarget(next, relationSlot)) return false;
        into.addUserset(value);
      }
      return true;
    }
    return this.#gatherExpression(object, member.expression, into);
  }

  /** The plain and the userset subjects of a relation on an object (either may be absent). */
  #subjects(
    object: number,
    relation: MemberDef,
    into: Gathering,
  ): [SubjectList | undefined, SubjectList | undefined] {
    into.addInput(object);
    const slot = this.#evaluator.slotOf(relation);
    return sidesOf(slot < 0 ? undefined : this.#evaluator.data.edges.entry(object), slot);
  }

  #gatherExpression(object: number, e: Expression, into: Gathering): boolean {
    switch (e.op) {
      case "nil":
        return true;
      case "ref": {
        // A relation of the same object is read in place; a permission has its own closure,
        // kept for its own checks too (a folder's `edit` inside its `view`).
        if (e.member.kind === "relation") return this.#gather(object, e.member, into);
        const slot = this.#slot(object, e.member);
        if (typeof slot !== "object") return false;
        into.merge(slot, 0);
        return true;
      }
      case "union":
        for (const operand of e.operands) if (!this.#gatherExpression(object, operand, into)) return false;
        return true;
      case "arrow": {
        // The walk takes every subject of the tupleset as an object, userset subjects included.
        const [direct, usersets] = this.#subjects(object, e.tupleset, into);
        for (const value of listed(direct)) if (!this.#gatherArrowStep(value, e, into)) return false;
        for (const value of listed(usersets))
          if (!this.#gatherArrowStep(keyObject(value), e, into)) return false;
        return true;
      }
      default:
        return false;
    }
  }

  /** One object an arrow reaches: its closure of the arrow's member, one hop below. */
  #gatherArrowStep(next: number, e: Expression & { op: "arrow" }, into: Gathering): boolean {
    const type = this.#evaluator.schemaTypeOf(next);
    const target = type === undefined ? undefined : e.computedByType.get(type.id);
    // A type without the member contributes nothing, as in the walk.
    if (target === undefined) return true;
    this.#buildDepth++;
    const below = this.#slot(next, target);
    this.#buildDepth--;
    if (typeof below !== "object") return false;
    into.merge(below, 1);
    return true;
  }
}

function listed(list: SubjectList | undefined): Iterable<number> {
  return list === undefined ? NONE : typeof list === "number" ? [list] : list;
}

/**
 * A closure under construction: subjects deduplicated, small closures below copied in. Plain
 * arrays, searched while short: a tree of folders builds one of these per folder and member, and
 * three Sets each made building them cost several times the walk they replace.
 */
class Gathering {
  #objects: number[] | undefined;
  #usersets: number[] | undefined;
  #links: GrantClosure[] | undefined;
  #inputs: number[] | undefined;
  /** Set mirrors of the lists, made once a list is too long to search. */
  #objectSet: Set<number> | undefined;
  #usersetSet: Set<number> | undefined;
  #depth = 0;
  #hasUsersets = false;

  addObject(value: number): void {
    if (this.#objects === undefined) this.#objects = [value];
    else this.#objectSet = addUnique(this.#objects, this.#objectSet, value);
  }

  addUserset(value: number): void {
    this.#hasUsersets = true;
    if (this.#usersets === undefined) this.#usersets = [value];
    else this.#usersetSet = addUnique(this.#usersets, this.#usersetSet, value);
  }

  addInput(object: number): void {
    if (this.#inputs === undefined) this.#inputs = [object];
    else if (!this.#inputs.includes(object)) this.#inputs.push(object);
  }

  #size(): number {
    return (this.#objects?.length ?? 0) + (this.#usersets?.length ?? 0) + (this.#inputs?.length ?? 0);
  }

  /** Takes in a closure `hops` arrow steps below: copied when short, else kept by reference. */
  merge(closure: GrantClosure, hops: number): void {
    this.#depth = Math.max(this.#depth, closure.depth + hops);
    if (closure.hasUsersets) this.#hasUsersets = true;
    const size = closure.objects.length + closure.usersets.length + closure.source.inputs.length;
    if (this.#size() + size > FLAT_LIMIT && size > 0) {
      this.#link(closure);
      return;
    }
    for (const value of closure.objects) this.addObject(value);
    for (const value of closure.usersets) this.addUserset(value);
    for (const link of closure.links) this.#link(link);
    for (const input of closure.source.inputs) this.addInput(input);
  }

  #link(closure: GrantClosure): void {
    if (this.#links === undefined) this.#links = [closure];
    else if (!this.#links.includes(closure)) this.#links.push(closure);
  }

  done(objectVersions: readonly number[], version: number): GrantClosure {
    const inputs = this.#inputs?.slice() ?? NONE;
    // Copies of exact length: a list grown by `push` keeps spare room, and closures are kept.
    return {
      source: { inputs, stamp: inputStampOf(objectVersions, inputs), checkedAt: version },
      objects: this.#objects?.slice() ?? NONE,
      usersets: this.#usersets?.slice() ?? NONE,
      links: this.#links?.slice() ?? NO_LINKS,
      hasUsersets: this.#hasUsersets,
      depth: this.#depth,
    };
  }
}

/** The sum of the inputs' versions: versions only grow, so an equal sum means none moved. */
function inputStampOf(objectVersions: readonly number[], inputs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < inputs.length; i++) sum += objectVersions[inputs[i]!]!;
  return sum;
}

/** Lists up to this long are searched; longer ones get a Set beside them. */
const SEARCHED = 32;

/** Appends `value` unless present; returns the list's Set mirror (made when the list grew long). */
function addUnique(list: number[], mirror: Set<number> | undefined, value: number): Set<number> | undefined {
  if (mirror !== undefined) {
    if (!mirror.has(value)) {
      mirror.add(value);
      list.push(value);
    }
    return mirror;
  }
  if (list.includes(value)) return undefined;
  list.push(value);
  return list.length > SEARCHED ? new Set(list) : undefined;
}
