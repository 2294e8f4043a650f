import type { SubjectList } from "./data-index.js";
/** What the list helpers read and write: one side (direct or userset subjects) of the edges. */
export interface EdgeSide {
    get(key: number): SubjectList | undefined;
    set(key: number, list: SubjectList): void;
    delete(key: number): void;
}
/**
 * The relationships of every object, grouped per object: `entry(object)` is one small array
 * `[slot, direct, usersets, slot, direct, usersets, …]`, a triple per relation the object has,
 * where `direct` holds the plain subjects and `usersets` the userset subjects (`group:g#member`
 * as an edge key), either absent. A check reads several relations of one object in a row (a
 * folder's viewer, owner, editor and parent), and both sides of each: this touches one small
 * array per object, already in cache after the first read, where a `Map` keyed by
 * (object, relation) would probe a table of a million entries far apart in memory for each.
 *
 * Keys are edge keys (`object * slots + relation`), as the rest of the engine writes them.
 */
export declare class RelationEdges {
    #private;
    /** The plain subjects of an edge key. */
    readonly direct: EdgeSide;
    /** The userset subjects of an edge key. */
    readonly usersets: EdgeSide;
    constructor(slots: number);
    /** The object's triples, or undefined when it has no relationships as a resource. */
    entry(object: number): readonly (number | SubjectList | undefined)[] | undefined;
}
