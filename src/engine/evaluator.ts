import type { CaveatResult } from "../schema/caveats/caveat-result.js";
import { FALSE, TRUE } from "../schema/caveats/caveat-result.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
import type { CompiledSchema, Expression, MemberDef, RelationDef, TypeDef } from "../schema/compiled.js";
import { ConditionalCheck } from "./conditional-check.js";
import { type Assumption, CutPath } from "./cut-path.js";
import { type DataIndex, iterate, listHas, NO_RELATION } from "./data-index.js";
import {
  directAt,
  edgeKey,
  keyObject,
  keyRelation,
  parentKey,
  RELATION_SLOTS,
  relationAt,
  stepKey,
  usersetsAt,
} from "./encodings.js";
import { cheapestFirst } from "./evaluation-order.js";
import { type GrantClosure, GrantClosures, gatherableMembers } from "./grant-closures.js";
import { batchSteps, batchTooLarge, checkTooLarge, depthExceeded, MAX_CHECK_STEPS } from "./limits.js";
import { StepTable } from "./step-table.js";
import type { ResolvedSubject } from "./subject.js";

/** A plain subject's membership relations (edge keys) and the userset hops below each. */
interface Memberships {
  readonly keys: number[];
  readonly hops: number[];
  readonly farthest: number;
}

/** How many answered steps one subject may accumulate before they are dropped. */
const MAX_REMEMBERED = 200_000;

const NO_KEYS: number[] = [];

/** Up to this many memberships are tested by scanning them rather than by hashing. */
const SCANNED_MEMBERSHIPS = 16;

export interface EvaluatorOptions {
  /** How many object hops (userset or arrow steps) one check may take. */
  readonly maxDepth?: number;
  /** The clock expiring relationships are judged by, in ms since the epoch (`GATEHOUSE_NOW`). */
  readonly now?: () => number;
}

export const DEFAULT_MAX_DEPTH = 50;

/**
 * Receives the steps of a traced check (`Evaluator.trace`) as the evaluator takes them: explain
 * builds its tree from them, so the tree is the walk that answered. Every `enterMember` and
 * `enterExpression` is closed by one `leave` with that step's answer; the other calls are steps
 * inside the one entered last.
 */
export interface CheckTrace {
  /** The userset subject is `member` on `object` itself. */
  self(object: number, member: MemberDef): void;
  /** `member` on `object` is already on the path: a cycle, cut (answers no for this path). */
  cycle(object: number, member: MemberDef): void;
  enterMember(object: number, member: MemberDef): void;
  /** An expression other than a reference (`nil`, an operator, an arrow) on `object`. */
  enterExpression(object: number, e: Expression): void;
  leave(result: boolean): void;
  /** The relation names the subject (or, for a userset subject, that userset) directly. */
  direct(): void;
  /** The relation names the wildcard of the subject's type. */
  wildcard(): void;
  /** The relation names the userset `value` (an edge key), which the subject is in by its memberships. */
  member(value: number): void;
  /** The relation names the userset `value`, which the subject's memberships say it is not in. */
  notMember(value: number): void;
  /** The walk goes on into the userset `value` the relation names (the next step enters it). */
  userset(value: number): void;
  /** The arrow goes on to `next` (the next step enters its computed member, or is `noComputed`). */
  arrowTo(next: number): void;
  /** `next`, reached by the arrow, has no member of the computed name. */
  noComputed(next: number): void;
}

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
  /** The clock expiring relationships are judged by (ms since the epoch). */
  readonly now: () => number;
  /** The three-valued walk, made when the data first holds a caveated or expiring edge. */
  private conditional: ConditionalCheck | undefined;
  /**
   * member id → 1 when answering it may meet a caveated or expiring edge: some relation it
   * reaches (through references, arrows and usersets, by name) has one in the data. Valid for
   * `DataIndex.conditionSlotsVersion` `conditionedFor` and the relation names known then.
   */
  private conditioned: Uint8Array = new Uint8Array(0);
  private conditionedFor = -1;
  private conditionedRelations = -1;

  /** member id → relation slot in the data (-1: no relationship uses the name). */
  private memberSlot: Int32Array;
  private knownRelations = -1;
  /** data type number → schema type (undefined when the schema lacks the type). */
  private schemaTypes: (TypeDef | undefined)[] = [];
  /** (data type * usersetStride + relation slot) → the member a userset subject points at, or null. */
  private usersetTargets: (MemberDef | null | undefined)[] = [];
  private usersetStride = 0;

  private readonly path = new CutPath();
  /** Answers of this check so far, by step; see `member`. */
  private readonly answered = new StepTable();
  /** At this count of the path's `entered` steps, this check has walked `MAX_CHECK_STEPS`. */
  private lastStep = 0;
  /** Answers found under a cut of a step above them, with what they assume (see cut-path.ts). */
  private readonly assumed = new Map<number, { depth: number; result: boolean; assumption: Assumption }>();
  /** Edge keys of the relations that contain the current (plain) subject; see `membershipsFor`. */
  private readonly memberships = new StepTable();
  private membershipsKnown = false;
  /**
   * subject object (index) → its membership edge keys, computed once and kept while no relationship of
   * a membership relation (`targetSlots`) is added or removed: a user's groups are asked for on
   * every check of that user, and change far less often than they are asked for. This is the
   * idea of Zanzibar's Leopard index (group closures kept ready), filled lazily, at most one
   * entry per object. An entry holds for the membership version in `membershipStamps`, so a
   * write to a membership relation makes every entry stale at once without touching any.
   *
   * Both are dense arrays sized to the objects (grown as they grow): writing far past the end
   * of an empty JavaScript array turns it into a slow dictionary, which showed as p99 spikes.
   */
  private membershipCache: (Memberships | undefined)[] = [];
  private membershipStamps = new Float64Array(0);
  /** The current subject's membership keys when few (scanned), else undefined (see `marks`). */
  private membershipKeys: number[] | undefined;
  /** Beside `membershipKeys`: how many userset hops below each one the subject is named. */
  private membershipHops: number[] = NO_KEYS;
  /**
   * The most hops any of the subject's memberships (or its wildcard's) stands for: a shortcut
   * through them counts those hops against the depth limit, as a walk down would.
   */
  private farthestMembership = 0;
  /** The data version `answered` and `memberships` hold for (with `subject`); -1: none. */
  private answeredVersion = -1;
  /** The relations a wildcard of the subject's type puts everyone in (cached per data version). */
  private everyone: StepTable | undefined;
  private readonly wildcardCache = new Map<number, { version: number; marks: StepTable; farthest: number }>();
  private everyoneFarthest = 0;
  private readonly queue: number[] = [];
  private readonly queueHops: number[] = [];
  /** member id → 1 when it is a relation whose usersets, transitively, name relations only. */
  private readonly pureRelation: Uint8Array;
  /** member id → 1 when some relation allows it as a userset (`group#member`). */
  private readonly usersetNamed: Uint8Array;
  /** Data relation slots of pure relations that usersets name: the steps of the upward walk. */
  private targetSlots: number[] = [];
  /** relation slot → 1 when it is one of `targetSlots`: most edges of a subject are not. */
  private isTargetSlot = new Uint8Array(RELATION_SLOTS);
  private subject: ResolvedSubject = { object: -1, relation: NO_RELATION, wildcard: -1 };
  /** member id → its expression with cheap operands first (see evaluation-order.ts). */
  private readonly ordered: (Expression | undefined)[];
  /** What grants a member on an object reached by an arrow, kept across checks. */
  private readonly closures: GrantClosures;
  /**
   * Where the steps of the current check go, during `trace` only. A traced check takes every
   * step: no remembered answers and no grant closures, which stand for steps without taking them.
   */
  private tracing: CheckTrace | undefined;

  constructor(schema: CompiledSchema, data: DataIndex, options: EvaluatorOptions = {}) {
    this.schema = schema;
    this.data = data;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.now = options.now ?? Date.now;
    this.memberSlot = new Int32Array(schema.members.length).fill(-1);
    this.pureRelation = pureRelations(schema);
    this.ordered = cheapestFirst(schema);
    this.usersetNamed = new Uint8Array(schema.members.length);
    for (const member of schema.members) {
      if (member.kind === "relation")
        for (const a of member.allowed) if (a.relation) this.usersetNamed[a.relation.id] = 1;
    }
    this.refresh();
    this.closures = new GrantClosures(this, gatherableMembers(schema, this.pureRelation));
  }

  /** Brings the name caches up to date after the data learned new names. */
  refresh(): void {
    if (this.knownRelations !== this.data.relationNames.length) {
      for (const member of this.schema.members) {
        this.memberSlot[member.id] = this.data.relationId(member.name) ?? -1;
      }
      const slots = new Set<number>();
      for (const member of this.schema.members) {
        const slot = this.memberSlot[member.id]!;
        if (
          slot >= 0 &&
          member.kind === "relation" &&
          this.pureRelation[member.id] === 1 &&
          this.usersetNamed[member.id] === 1
        )
          slots.add(slot);
      }
      this.targetSlots = [...slots];
      this.isTargetSlot = new Uint8Array(RELATION_SLOTS);
      for (const slot of slots) this.isTargetSlot[slot] = 1;
      this.knownRelations = this.data.relationNames.length;
      this.forgetMemberships();
      this.answeredVersion = -1;
    }
    if (this.schemaTypes.length !== this.data.typeNames.length) {
      this.schemaTypes = this.data.typeNames.map((name) => this.schema.typesByName.get(name));
    }
    // Dense, (type, relation) → target; `undefined` until asked. Sized to what the data names.
    const size = this.data.typeNames.length * this.knownRelations;
    if (this.usersetTargets.length !== size || this.usersetStride !== this.knownRelations) {
      this.usersetTargets = new Array<MemberDef | null | undefined>(size).fill(undefined);
      this.usersetStride = this.knownRelations;
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
    // Names the data learned since the last refresh would fall outside the table.
    if (relationSlot >= this.usersetStride || this.data.objectTypes[object]! >= this.schemaTypes.length)
      this.refresh();
    const key = this.data.objectTypes[object]! * this.usersetStride + relationSlot;
    let target = this.usersetTargets[key];
    if (target === undefined) {
      const type = this.schemaTypeOf(object);
      target = type?.members.get(this.data.relationNames[relationSlot]!) ?? null;
      this.usersetTargets[key] = target;
    }
    return target;
  }

  /**
   * Does `subject` have `member` on `object`, under `context`: has permission (`true`), no
   * permission (`false`), or conditional on the context parameters it names. Data without
   * caveated or expiring relationships takes the two-valued fast path, which cannot be
   * conditional.
   */
  decide(object: number, member: MemberDef, subject: ResolvedSubject, context?: CaveatContext): CaveatResult {
    if (!this.meetsConditions(member)) return this.fastCheck(object, member, subject, 0) ? TRUE : FALSE;
    return this.conditionalCheck().check(object, member, subject, context, this.now());
  }

  /**
   * Whether answering `member` may meet a caveated or expiring edge. When it cannot, the
   * two-valued walk answers exactly (and the three-valued one hands such members to it), so
   * caveats cost only the checks that can meet them.
   */
  meetsConditions(member: MemberDef): boolean {
    const data = this.data;
    if (data.conditionCount === 0) return false;
    this.refresh();
    if (
      this.conditionedFor !== data.conditionSlotsVersion ||
      this.conditionedRelations !== this.knownRelations
    ) {
      this.conditioned = conditionedMembers(this.schema, this.memberSlot, data.conditionsBySlot);
      this.conditionedFor = data.conditionSlotsVersion;
      this.conditionedRelations = this.knownRelations;
    }
    return this.conditioned[member.id] === 1;
  }

  /** The walk of checks over caveated or expiring data (see conditional-check.ts). */
  conditionalCheck(): ConditionalCheck {
    this.conditional ??= new ConditionalCheck(this);
    return this.conditional;
  }

  /**
   * Does `subject` have `member` on `object`? Over caveated data, only an unconditional grant
   * with no request context counts (a conditional answer is not a permission), as SpiceDB's
   * CheckPermission without context answers.
   */
  check(object: number, member: MemberDef, subject: ResolvedSubject): boolean {
    if (this.data.conditionCount > 0 && this.tracing === undefined && this.meetsConditions(member))
      return this.conditionalCheck().check(object, member, subject, undefined, this.now()).kind === "true";
    return this.fastCheck(object, member, subject, 0);
  }

  /**
   * The two-valued walk, from `depth` (the three-valued walk hands it the members that cannot
   * meet a condition at the depth it reached them).
   */
  fastCheck(object: number, member: MemberDef, subject: ResolvedSubject, depth: number): boolean {
    this.refresh();
    const last = this.subject;
    // What was learned for one subject stays true while the data does not move, so consecutive
    // checks for the same subject (a page of documents for one user, a lookup, a plan's
    // candidate checks grouped by subject) share the membership walk and every answered step.
    const same =
      subject.object === last.object &&
      subject.relation === last.relation &&
      subject.wildcard === last.wildcard &&
      subject.relationName === last.relationName &&
      this.data.version === this.answeredVersion;
    if (!same || this.answered.size > MAX_REMEMBERED) this.answered.clear();
    this.subject = subject;
    this.path.reset();
    // A batch past its budget stops before its next check; a check counts its steps in the
    // path's own count (no shared counter on every step) and adds them to the batch's after.
    if (batchSteps.walked > batchSteps.until) throw batchTooLarge();
    const first = this.path.entered;
    this.lastStep = first + MAX_CHECK_STEPS;
    if (this.assumed.size > 0) this.assumed.clear();
    if (!same) {
      this.membershipsFor(subject);
      this.answeredVersion = this.data.version;
    }
    const result = this.member(object, member, depth);
    batchSteps.walked += this.path.entered - first;
    return result;
  }

  /**
   * `check`, reporting every step to `trace` as it is taken (see `CheckTrace`). Slower than a
   * check: for explain, after the check itself has answered.
   */
  trace(object: number, member: MemberDef, subject: ResolvedSubject, trace: CheckTrace): boolean {
    this.tracing = trace;
    try {
      return this.check(object, member, subject);
    } finally {
      this.tracing = undefined;
    }
  }

  /**
   * For a plain subject, every relation (as an edge key) that contains it through direct
   * relationships and usersets of relations, found by walking upward from the subject once per
   * check. A userset step into such a relation is then one Set lookup instead of a walk down
   * through every nested group. Only relations whose usersets lead to relations alone
   * (`pureRelation`) are answered this way; the marks are their exact closure.
   */
  private membershipsFor(subject: ResolvedSubject): void {
    const marks = this.memberships;
    marks.clear();
    this.everyone = undefined;
    this.everyoneFarthest = 0;
    this.farthestMembership = 0;
    this.membershipsKnown = subject.relation === NO_RELATION && this.targetSlots.length > 0;
    if (!this.membershipsKnown) return;
    // An object the data has never seen (a negative number) is in no relation.
    if (subject.object < 0) {
      this.membershipKeys = NO_KEYS;
      this.membershipHops = NO_KEYS;
      if (subject.wildcard >= 0) this.everyone = this.wildcardMemberships(subject.wildcard);
      this.farthestMembership = this.everyoneFarthest;
      return;
    }
    const object = subject.object;
    // Stamped version + 1: a new slot's 0 then holds nothing (see `growMembershipCache`).
    const stamp = this.membershipVersion() + 1;
    let known = this.membershipStamps[object] === stamp ? this.membershipCache[object] : undefined;
    if (known === undefined) {
      const queue = this.queue;
      const hops = this.queueHops;
      queue.length = 0;
      hops.length = 0;
      this.seedMemberships(object, marks, queue, hops, 0);
      const farthest = this.closeUpward(marks, queue, hops);
      // Every marked key went through the queue once: it is the whole closure.
      known = { keys: queue.slice(), hops: hops.slice(), farthest };
      if (object >= this.membershipCache.length) this.growMembershipCache(object);
      this.membershipCache[object] = known;
      this.membershipStamps[object] = stamp;
    } else if (known.keys.length > SCANNED_MEMBERSHIPS) {
      for (let i = 0; i < known.keys.length; i++) marks.set(known.keys[i]!, known.hops[i]!);
    }
    // A few memberships (the usual case) are scanned; more are looked up in `marks`.
    this.membershipKeys = known.keys.length > SCANNED_MEMBERSHIPS ? undefined : known.keys;
    this.membershipHops = known.hops;
    // What a wildcard grants does not depend on the subject: computed once per data version.
    if (subject.wildcard >= 0) this.everyone = this.wildcardMemberships(subject.wildcard);
    this.farthestMembership = Math.max(known.farthest, this.everyoneFarthest);
  }

  /** Empties the cache (when the membership relations themselves change meaning). */
  private forgetMemberships(): void {
    this.membershipCache = [];
    this.membershipStamps = new Float64Array(0);
  }

  private growMembershipCache(object: number): void {
    const size = Math.max(object + 1, this.data.objectKeys.length, this.membershipCache.length * 2);
    const cache = new Array<Memberships | undefined>(size).fill(undefined);
    for (let i = 0; i < this.membershipCache.length; i++) cache[i] = this.membershipCache[i];
    // Left at 0, which no stamp is (a stamp is a version + 1): a new typed array's memory is
    // not touched until written, where a fill wrote all of it (3 MB at 375,000 objects).
    const stamps = new Float64Array(size);
    stamps.set(this.membershipStamps);
    this.membershipCache = cache;
    this.membershipStamps = stamps;
  }

  /** Is the (plain) subject in the relation with edge key `key`, by its memberships? */
  private isMember(key: number): boolean {
    const keys = this.membershipKeys;
    if (keys === undefined) return this.memberships.has(key);
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return true;
    return false;
  }

  /**
   * How many userset hops below the membership relation `key` the (plain) subject, or its type's
   * wildcard, is named directly (0: `key` names it), by the shortest chain; -1 when in neither.
   * Valid after `check` for the subject it was asked about (the depth error uses it).
   */
  private hopsInto(key: number): number {
    let hops = -1;
    const keys = this.membershipKeys;
    if (keys === undefined) hops = this.memberships.get(key);
    else
      for (let i = 0; i < keys.length; i++)
        if (keys[i] === key) {
          hops = this.membershipHops[i]!;
          break;
        }
    const everyone = this.everyone;
    if (everyone !== undefined) {
      const viaWildcard = everyone.get(key);
      if (viaWildcard >= 0 && (hops < 0 || viaWildcard < hops)) hops = viaWildcard;
    }
    return hops;
  }

  /**
   * A grant through the membership `key`, reached `depth` hops from the resource, stands for a
   * walk down `hops` more nested usersets: past the limit it is the limit's error, at the object
   * where that walk would have stopped, as if the check had walked down.
   */
  private countMembershipHops(key: number, depth: number, hops: number): void {
    if (depth + 1 + hops <= this.maxDepth) return;
    const chain = this.membershipChain(key);
    const stop = chain[Math.min(this.maxDepth - depth, chain.length - 1)]!;
    const object = keyObject(stop);
    const target = this.usersetTarget(object, keyRelation(stop))!;
    depthExceeded(this, object, target);
  }

  /**
   * The shortest chain of membership relations from `key` down to the one that names the
   * subject (or its wildcard) directly, as edge keys, `key` first. Iterative: the chain may be
   * long. Valid after `check` for the subject, like `hopsInto` (explain's proofs use it).
   */
  membershipChain(key: number): number[] {
    const chain = [key];
    let hops = this.hopsInto(key);
    let at = key;
    while (hops > 0) {
      let next = -1;
      for (const value of iterate(this.data.usersets.get(at))) {
        if (this.hopsInto(value) === hops - 1) {
          next = value;
          break;
        }
      }
      if (next < 0) break;
      chain.push(next);
      at = next;
      hops--;
    }
    return chain;
  }

  /** Moves whenever a relationship of a membership relation is added or removed. */
  private membershipVersion(): number {
    const versions = this.data.relationVersions;
    const slots = this.targetSlots;
    let sum = 0;
    for (let i = 0; i < slots.length; i++) sum += versions[slots[i]!]!;
    return sum;
  }

  /** The userset-target relations (`group#member`) that name `object` directly. */
  private seedMemberships(
    object: number,
    marks: StepTable,
    queue: number[],
    hops: number[],
    at: number,
  ): void {
    if (object < 0) return;
    const data = this.data;
    const keys = data.reverse.get(object);
    if (keys === undefined) return;
    if (typeof keys === "number") this.seedOne(object, keys, marks, queue, hops, at);
    else for (const key of keys) this.seedOne(object, key, marks, queue, hops, at);
  }

  /** Marks `key` when it is a userset-target relation naming `object` directly. */
  private seedOne(
    object: number,
    key: number,
    marks: StepTable,
    queue: number[],
    hops: number[],
    at: number,
  ): void {
    const owner = keyObject(key);
    const slot = keyRelation(key);
    if (this.isTargetSlot[slot] !== 1 || marks.has(key) || !this.isMembershipTarget(owner, slot)) return;
    // The reverse entry may stand for a userset subject (`object#rel`) rather than the object
    // itself; only a type that has ever been one needs the look at the relation's members.
    const data = this.data;
    if (data.usersetSubjectTypes[data.objectTypes[object]!] !== 1 || listHas(data.direct.get(key), object)) {
      marks.set(key, at);
      queue.push(key);
      hops.push(at);
    }
  }

  /**
   * Whether `object#slot` is a membership relation: a pure relation that usersets may name, so a
   * plain subject's memberships (the marks) answer whether it is in it.
   */
  isMembershipTarget(object: number, slot: number): boolean {
    const target = this.usersetTarget(object, slot);
    return (
      target !== null &&
      target.kind === "relation" &&
      this.pureRelation[target.id] === 1 &&
      this.usersetNamed[target.id] === 1
    );
  }

  private wildcardMemberships(wildcard: number): StepTable {
    const cached = this.wildcardCache.get(wildcard);
    if (cached && cached.version === this.data.version) {
      this.everyoneFarthest = cached.farthest;
      return cached.marks;
    }
    const marks = new StepTable(64);
    const queue: number[] = [];
    const hops: number[] = [];
    this.seedMemberships(wildcard, marks, queue, hops, 0);
    const farthest = this.closeUpward(marks, queue, hops);
    this.wildcardCache.set(wildcard, { version: this.data.version, marks, farthest });
    this.everyoneFarthest = farthest;
    return marks;
  }

  /**
   * Adds every userset-target relation that names a marked one as a userset, transitively.
   * Breadth first, so each key's hops (kept in `marks` and `hops`) are those of its shortest
   * chain down to the subject. Returns the most hops of any key.
   */
  private closeUpward(marks: StepTable, queue: number[], hops: number[]): number {
    const data = this.data;
    const slots = this.targetSlots;
    let farthest = 0;
    for (let i = 0; i < queue.length; i++) {
      const userset = queue[i]!;
      const above = hops[i]! + 1;
      for (let j = 0; j < slots.length; j++) {
        const slot = slots[j]!;
        const parents = data.usersetParents.get(parentKey(userset, slot));
        if (parents === undefined) continue;
        if (typeof parents === "number") this.markParent(parents, slot, marks, queue, hops, above);
        else for (const parent of parents) this.markParent(parent, slot, marks, queue, hops, above);
      }
      if (hops[i]! > farthest) farthest = hops[i]!;
    }
    return farthest;
  }

  private markParent(
    parent: number,
    slot: number,
    marks: StepTable,
    queue: number[],
    hops: number[],
    at: number,
  ): void {
    const key = edgeKey(parent, slot);
    if (!marks.has(key) && this.isMembershipTarget(parent, slot)) {
      marks.set(key, at);
      queue.push(key);
      hops.push(at);
    }
  }

  private member(object: number, member: MemberDef, depth: number): boolean {
    const subject = this.subject;
    // A userset contains itself: `group:eng#member` is a member of `group:eng#member`.
    if (
      subject.relation !== NO_RELATION &&
      object === subject.object &&
      member.name === subject.relationName
    ) {
      this.tracing?.self(object, member);
      return true;
    }
    if (depth > this.maxDepth) depthExceeded(this, object, member);
    const step = stepKey(object, member.id);
    const trace = this.tracing;
    // Within one check the same step often recurs (a folder's `edit` inside its `view`, and
    // again through each child); remember answers that no cycle cut could have shortened, and
    // those that a cut of a step above shortened for as long as that step is there (cut-path.ts).
    // An answer holds for any depth at or above the one it was found at (more room below never
    // changes it); deeper, the walk must be taken again, as the depth limit may stop it.
    const known = trace === undefined ? this.answered.get(step) : -1;
    if (known !== -1 && known >>> 1 >= depth) return (known & 1) === 1;
    const path = this.path;
    if (trace === undefined && this.assumed.size > 0) {
      const found = this.assumed.get(step);
      if (found !== undefined && found.depth >= depth && path.holds(found.assumption)) return found.result;
    }
    if (path.cut(step)) {
      trace?.cycle(object, member);
      return false;
    }
    if (path.entered >= this.lastStep)
      throw checkTooLarge(
        `${object >= 0 ? this.data.objectKeys.get(object) : "(unknown object)"}#${member.name}`,
      );
    const mark = path.enter(step);
    trace?.enterMember(object, member);
    const result =
      member.kind === "relation"
        ? this.relation(object, member, depth)
        : this.expression(object, this.ordered[member.id]!, depth);
    trace?.leave(result);
    const assumption = path.leave(mark);
    if (assumption === undefined) this.answered.set(step, depth * 2 + (result ? 1 : 0));
    else if (trace === undefined) this.assumed.set(step, { depth, result, assumption });
    return result;
  }

  private relation(object: number, relation: RelationDef, depth: number): boolean {
    const slot = this.memberSlot[relation.id]!;
    if (slot < 0 || object < 0) return false;
    // Both sides of the relation from the object's one entry (see relation-edges.ts).
    const entry = this.data.edges.entry(object);
    const at = relationAt(entry, slot);
    if (entry === undefined || at < 0) return false;
    const subject = this.subject;
    const direct = directAt(entry, at);
    if (direct !== undefined) {
      if (subject.relation === NO_RELATION && listHas(direct, subject.object)) {
        this.tracing?.direct();
        return true;
      }
      if (subject.wildcard >= 0 && listHas(direct, subject.wildcard)) {
        this.tracing?.wildcard();
        return true;
      }
    }
    const usersets = usersetsAt(entry, at);
    if (usersets === undefined) return false;
    if (
      subject.relation >= 0 &&
      subject.object >= 0 &&
      listHas(usersets, edgeKey(subject.object, subject.relation))
    ) {
      this.tracing?.direct();
      return true;
    }
    if (typeof usersets === "number") return this.usersetGrants(usersets, depth);
    // Index loops for arrays: one `for…of` site seeing both arrays and Sets goes the slow way.
    if (Array.isArray(usersets)) {
      for (let i = 0; i < usersets.length; i++) if (this.usersetGrants(usersets[i]!, depth)) return true;
    } else for (const value of usersets) if (this.usersetGrants(value, depth)) return true;
    return false;
  }

  /** Is the subject in the userset `value` (an edge key: `object#relation`)? */
  private usersetGrants(value: number, depth: number): boolean {
    if (this.membershipsKnown) {
      // Only membership relations are ever marked, so a marked userset grants at once, within
      // the depth limit: the grant counts the nested usersets it stands for, as a walk would.
      // (`value` is the edge key of the relation it names.)
      if (depth + 1 + this.farthestMembership <= this.maxDepth) {
        if (this.isMember(value) || this.everyone?.has(value) === true) {
          this.tracing?.member(value);
          return true;
        }
      } else {
        const hops = this.hopsInto(value);
        if (hops >= 0) {
          this.countMembershipHops(value, depth, hops);
          this.tracing?.member(value);
          return true;
        }
      }
    }
    const next = keyObject(value);
    const target = this.usersetTarget(next, keyRelation(value));
    if (target === null) return false;
    // A pure relation the subject is not marked in (nor its wildcard) does not hold it.
    if (this.membershipsKnown && target.kind === "relation" && this.pureRelation[target.id] === 1) {
      this.tracing?.notMember(value);
      return false;
    }
    this.tracing?.userset(value);
    return this.member(next, target, depth + 1);
  }

  private expression(object: number, e: Expression, depth: number): boolean {
    const trace = this.tracing;
    if (trace === undefined || e.op === "ref") return this.operator(object, e, depth);
    trace.enterExpression(object, e);
    const result = this.operator(object, e, depth);
    trace.leave(result);
    return result;
  }

  private operator(object: number, e: Expression, depth: number): boolean {
    switch (e.op) {
      case "nil":
        return false;
      case "self":
        return this.subject.relation === NO_RELATION && object === this.subject.object;
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
        const entry = this.data.edges.entry(object);
        const at = relationAt(entry, slot);
        if (entry === undefined || at < 0) return false;
        const all = e.mode === "all";
        // Plain loops rather than `arrowTargets`: a generator allocates on the hot path.
        const direct = directAt(entry, at);
        const usersets = usersetsAt(entry, at);
        if (direct === undefined && usersets === undefined) return false;
        if (typeof direct === "number") {
          const granted = this.arrowStep(direct, e.computedByType, depth);
          if (granted !== all) return granted;
        } else if (Array.isArray(direct)) {
          for (let i = 0; i < direct.length; i++) {
            const granted = this.arrowStep(direct[i]!, e.computedByType, depth);
            if (granted !== all) return granted;
          }
        } else if (direct !== undefined) {
          for (const next of direct) {
            const granted = this.arrowStep(next, e.computedByType, depth);
            if (granted !== all) return granted;
          }
        }
        if (usersets !== undefined) {
          for (const value of iterate(usersets)) {
            const granted = this.arrowStep(keyObject(value), e.computedByType, depth);
            if (granted !== all) return granted;
          }
        }
        // `all`: every target granted (and there was one); `any`: none did.
        return all;
      }
    }
  }

  /** One object an arrow walks to: does it grant the computed member? */
  private arrowStep(next: number, computedByType: ReadonlyMap<number, MemberDef>, depth: number): boolean {
    const trace = this.tracing;
    trace?.arrowTo(next);
    const type = this.schemaTypeOf(next);
    const target = type === undefined ? undefined : computedByType.get(type.id);
    if (target === undefined) {
      trace?.noComputed(next);
      return false;
    }
    // An object reached by an arrow (a document's folder) is shared by many checks: what grants
    // the member there, gathered once (grant-closures.ts), answers without walking its ancestors.
    if (
      trace === undefined &&
      this.subject.relation === NO_RELATION &&
      this.closures.gatherable[target.id] === 1
    ) {
      const closure = this.closures.of(next, target);
      // Within the limit counting the closure's arrow hops and, for its usersets, the userset hop
      // and the farthest membership below it; otherwise the walk decides (and reports the limit).
      if (
        closure !== undefined &&
        depth + 1 + closure.depth <= this.maxDepth &&
        (closure.hasUsersets
          ? this.membershipsKnown && depth + 2 + closure.depth + this.farthestMembership <= this.maxDepth
          : true)
      )
        return this.grantedBy(closure);
    }
    return this.member(next, target, depth + 1);
  }

  /** Does a closure name the (plain) subject, its wildcard, or a userset it is a member of? */
  private grantedBy(closure: GrantClosure): boolean {
    const subject = this.subject;
    const objects = closure.objects;
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i]!;
      if (object === subject.object || object === subject.wildcard) return true;
    }
    const usersets = closure.usersets;
    if (usersets.length > 0) {
      // As in `usersetGrants`: a membership relation grants by the subject's memberships, or
      // by those its type's wildcard has.
      const everyone = this.everyone;
      for (let i = 0; i < usersets.length; i++) {
        const userset = usersets[i]!;
        if (this.isMember(userset) || everyone?.has(userset) === true) return true;
      }
    }
    const links = closure.links;
    for (let i = 0; i < links.length; i++) if (this.grantedBy(links[i]!)) return true;
    return false;
  }

  /**
   * The objects an arrow walks to: every subject of the tupleset relation, taken as the object
   * itself whether or not the relationship names a subject relation (as SpiceDB walks them).
   */
  *arrowTargets(key: number): Iterable<number> {
    const direct = this.data.direct.get(key);
    if (direct !== undefined) yield* iterate(direct);
    const usersets = this.data.usersets.get(key);
    if (usersets !== undefined) for (const value of iterate(usersets)) yield keyObject(value);
  }
}

/**
 * The members whose answer may meet a caveated or expiring edge: relations whose data slot has
 * one, and, to a fixpoint, everything that reaches such a relation through a reference, an
 * arrow (its tupleset and what it computes) or an allowed userset.
 */
function conditionedMembers(
  schema: CompiledSchema,
  memberSlot: Int32Array,
  conditionsBySlot: readonly number[],
): Uint8Array {
  const flags = new Uint8Array(schema.members.length);
  for (const member of schema.members) {
    const slot = memberSlot[member.id]!;
    if (member.kind === "relation" && slot >= 0 && (conditionsBySlot[slot] ?? 0) > 0) flags[member.id] = 1;
  }
  const reaches = (e: Expression): boolean => {
    switch (e.op) {
      case "nil":
      case "self":
        return false;
      case "ref":
        return flags[e.member.id] === 1;
      case "union":
      case "intersection":
        return e.operands.some(reaches);
      case "exclusion":
        return reaches(e.base) || reaches(e.subtracted);
      case "arrow":
        return flags[e.tupleset.id] === 1 || [...e.computedByType.values()].some((m) => flags[m.id] === 1);
    }
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const member of schema.members) {
      if (flags[member.id] === 1) continue;
      const conditioned =
        member.kind === "relation"
          ? member.allowed.some((a) => a.relation !== undefined && flags[a.relation.id] === 1)
          : reaches(member.expression);
      if (conditioned) {
        flags[member.id] = 1;
        changed = true;
      }
    }
  }
  return flags;
}

/**
 * Relations whose members can be found by walking relationships upward: every userset they
 * allow names a relation that is itself pure. A userset naming a permission needs evaluation.
 */
function pureRelations(schema: CompiledSchema): Uint8Array {
  // Start from "every relation is pure" and strike out until nothing changes: a fixpoint, so
  // that cycles of relations (nested groups) are judged by everything they can reach.
  const pure = new Uint8Array(schema.members.length);
  for (const member of schema.members) if (member.kind === "relation") pure[member.id] = 1;
  for (let changed = true; changed; ) {
    changed = false;
    for (const member of schema.members) {
      if (pure[member.id] !== 1 || member.kind !== "relation") continue;
      if (member.allowed.some((a) => a.relation !== undefined && pure[a.relation.id] !== 1)) {
        pure[member.id] = 0;
        changed = true;
      }
    }
  }
  return pure;
}
