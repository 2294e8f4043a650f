import type { Relationship, SubjectRef } from "../model/relationship.js";
import { EdgeMap } from "./edge-map.js";
import { ObjectLists } from "./object-lists.js";
import { type EdgeSide, RelationEdges } from "./relation-edges.js";
/**
 * One tenant's relationships in memory, shaped for evaluation. It knows nothing of the schema:
 * names are interned to small numbers, so the same index can be evaluated under two schema
 * versions at once (shadow evaluation, schema-change plans).
 *
 * Every object (`type:id`, including wildcards `type:*`) gets a dense number; a relation name
 * gets a number below `RELATION_SLOTS`. An edge key is `object * RELATION_SLOTS + relation`,
 * one JavaScript number, which keeps the maps small and the lookups cheap.
 */
export declare const RELATION_SLOTS = 4096;
/**
 * The subjects of one edge key: most keys have exactly one (a document's parent, its owner), and
 * that one is stored as the number itself, without an array around it (an array costs about 56
 * bytes and one more pointer to follow). Short lists are arrays of exactly their length, long
 * ones a Set. Read with `listHas` and `iterate`, or branch on `typeof list === "number"` in hot
 * loops.
 */
export type SubjectList = number | number[] | Set<number>;
/** The relation slot of a subject without a relation (`#...`). */
export declare const NO_RELATION = -1;
export declare function listHas(list: SubjectList | undefined, value: number): boolean;
/** A relationship as a DataIndex's numbers; see `DataIndex.edge`. */
export interface Edge {
    readonly resource: number;
    readonly relation: number;
    readonly subject: number;
    /** NO_RELATION for a plain subject. */
    readonly subjectRelation: number;
}
export declare class DataIndex {
    /**
     * type-name number → (id → object number). Per type, keyed by the id alone: a lookup then
     * hashes the id string the caller already has, instead of building and hashing `type:id`.
     */
    private readonly idsByType;
    /** object number → `type:id` */
    readonly objectKeys: string[];
    /** object number → type-name number */
    readonly objectTypes: number[];
    private readonly typeIds;
    readonly typeNames: string[];
    /** type-name number → its objects, for enumerating resources of a type. */
    readonly objectsByType: number[][];
    private readonly relationIds;
    readonly relationNames: string[];
    /** type-name number → the wildcard object `type:*`, or -1. */
    readonly wildcardOf: number[];
    /** (resource, relation) → subject objects without a relation, wildcards included. */
    readonly direct: EdgeSide;
    /** (resource, relation) → userset subjects, as (subject object, subject relation) keys. */
    readonly usersets: EdgeSide;
    /** subject object → (resource, relation) keys of every relationship naming it as subject. */
    readonly reverse: ObjectLists;
    /**
     * (userset subject `object#relation`, resource relation) → resource objects: who names a
     * userset, by the relation they name it in. Lets a check walk group nesting upward along one
     * relation (`member`) without touching every resource that was shared with the group.
     * Its key, `(object * RELATION_SLOTS + subject relation) * RELATION_SLOTS + relation`, is an
     * edge key whose "relation" is the pair, so it is stored per subject object like the others.
     */
    readonly usersetParents: EdgeMap;
    /** Both of the above, per object: the evaluator reads an object's relations from here. */
    readonly edges: RelationEdges;
    constructor();
    size: number;
    /** Grows with every add and remove, so that derived caches know when they are stale. */
    version: number;
    /**
     * relation slot → how many times a relationship of that relation was added or removed: a
     * cache derived from a few relations (the evaluator's group memberships) stays valid while
     * their counts do not move, whatever else is written.
     */
    readonly relationVersions: number[];
    /** The object `type:id` (a key as `objectKeys` holds it). */
    objectId(key: string): number | undefined;
    /** The object `type:id`. */
    objectOf(type: string, id: string): number | undefined;
    typeId(name: string): number | undefined;
    relationId(name: string): number | undefined;
    /** `type` part of an object's key. */
    typeNameOf(object: number): string;
    /** `id` part of an object's key. */
    idOf(object: number): string;
    private internType;
    private internObject;
    private internRelation;
    /** The last resource added: a load from the store arrives sorted by resource, so most rows repeat it. */
    private lastResource;
    add(r: Relationship): void;
    /** Removes a relationship that is present (the store has already checked that it was live). */
    remove(r: Relationship): void;
    /**
     * A relationship as the index's numbers (interning names it has not seen), for callers that
     * add and remove the same relationships many times: a plan applies its delta and takes it out
     * again, and names cost a hash lookup each time where numbers cost nothing.
     */
    edge(r: Relationship): Edge;
    addEdge(resource: number, relation: number, subject: number, subjectRelation: number): void;
    /** Removes the relationship if it is present. */
    removeEdge(resource: number, relation: number, subject: number, subjectRelation: number): void;
    /** Whether a relationship is present; used by tests and plans. */
    has(r: Relationship): boolean;
    subjectRef(object: number, relation: number): SubjectRef;
}
export declare function iterate(list: SubjectList | undefined): Iterable<number>;
