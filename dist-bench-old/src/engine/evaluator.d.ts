import type { CompiledSchema, MemberDef, TypeDef } from "../schema/compiled.js";
import { type DataIndex } from "./data-index.js";
import type { ResolvedSubject } from "./subject.js";
export interface EvaluatorOptions {
    /** How many object hops (userset or arrow steps) one check may take. */
    readonly maxDepth?: number;
}
export declare const DEFAULT_MAX_DEPTH = 50;
/**
 * Evaluates checks of one schema over one tenant's data. The hot path allocates nothing:
 * a check walks the compiled expression, the edge maps and a shared path stack.
 *
 * Cycles in the data (a group inside itself, a folder its own ancestor) are cut: a step that
 * is already on the current path answers "no" for that path. For unions and intersections
 * that gives the exact answer, since a proof never needs to pass the same step twice; SpiceDB
 * itself answers such checks with a max-depth error instead.
 */
export declare class Evaluator {
    readonly schema: CompiledSchema;
    readonly data: DataIndex;
    readonly maxDepth: number;
    /** member id → relation slot in the data (-1: no relationship uses the name). */
    private memberSlot;
    private knownRelations;
    /** data type number → schema type (undefined when the schema lacks the type). */
    private schemaTypes;
    /** (data type * usersetStride + relation slot) → the member a userset subject points at, or null. */
    private usersetTargets;
    private usersetStride;
    private readonly path;
    /** Answers of this check so far, by step; see `member`. */
    private readonly answered;
    private cuts;
    /** Edge keys of the relations that contain the current (plain) subject; see `membershipsFor`. */
    private readonly memberships;
    private membershipsKnown;
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
    private membershipCache;
    private membershipStamps;
    /** The current subject's membership keys when few (scanned), else undefined (see `marks`). */
    private membershipKeys;
    /** The data version `answered` and `memberships` hold for (with `subject`); -1: none. */
    private answeredVersion;
    /** The relations a wildcard of the subject's type puts everyone in (cached per data version). */
    private everyone;
    private readonly wildcardCache;
    private readonly queue;
    /** member id → 1 when it is a relation whose usersets, transitively, name relations only. */
    private readonly pureRelation;
    /** member id → 1 when some relation allows it as a userset (`group#member`). */
    private readonly usersetNamed;
    /** Data relation slots of pure relations that usersets name: the steps of the upward walk. */
    private targetSlots;
    /** relation slot → 1 when it is one of `targetSlots`: most edges of a subject are not. */
    private isTargetSlot;
    private subject;
    /** member id → its expression with cheap operands first (see evaluation-order.ts). */
    private readonly ordered;
    constructor(schema: CompiledSchema, data: DataIndex, options?: EvaluatorOptions);
    /** Brings the name caches up to date after the data learned new names. */
    refresh(): void;
    slotOf(member: MemberDef): number;
    schemaTypeOf(object: number): TypeDef | undefined;
    /** The member that a userset subject `object#relation` stands for under this schema. */
    usersetTarget(object: number, relationSlot: number): MemberDef | null;
    /** Does `subject` have `member` on `object`? */
    check(object: number, member: MemberDef, subject: ResolvedSubject): boolean;
    /**
     * For a plain subject, every relation (as an edge key) that contains it through direct
     * relationships and usersets of relations, found by walking upward from the subject once per
     * check. A userset step into such a relation is then one Set lookup instead of a walk down
     * through every nested group. Only relations whose usersets lead to relations alone
     * (`pureRelation`) are answered this way; the marks are their exact closure.
     */
    private membershipsFor;
    /** Empties the cache (when the membership relations themselves change meaning). */
    private forgetMemberships;
    private growMembershipCache;
    /** Is the (plain) subject in the relation with edge key `key`, by its memberships? */
    private isMember;
    /** Moves whenever a relationship of a membership relation is added or removed. */
    private membershipVersion;
    /** The userset-target relations (`group#member`) that name `object` directly. */
    private seedMemberships;
    /** Marks `key` when it is a userset-target relation naming `object` directly. */
    private seedOne;
    /** Whether `object#slot` is a pure relation that usersets may name (so marks answer it). */
    private isTarget;
    private wildcardMemberships;
    /** Adds every userset-target relation that names a marked one as a userset, transitively. */
    private closeUpward;
    private markParent;
    private member;
    private relation;
    /** Is the subject in the userset `value` (`object * RELATION_SLOTS + relation`)? */
    private usersetGrants;
    private expression;
    /** One object an arrow walks to: does it grant the computed member? */
    private arrowStep;
    /**
     * The objects an arrow walks to: every subject of the tupleset relation, taken as the object
     * itself whether or not the relationship names a subject relation (as SpiceDB walks them).
     */
    arrowTargets(key: number): Iterable<number>;
}
