import type { SubjectList } from "./data-index.js";
/**
 * (object, relation) → subject list, stored per object: `byObject[object]` is one small array
 * `[slot, list, slot, list, …]` holding all of that object's relations. A check walks several
 * relations of the same object (a folder's viewer, owner, editor and parent), so this touches
 * one small array per object where a `Map` keyed by (object, relation) would probe a table of a
 * million entries, far apart in memory, for each relation; it also needs no hash-table entry
 * per key. Objects are dense numbers (see DataIndex), so the outer array has no gaps to speak of.
 *
 * Keys are edge keys (`object * slots + relation`), as the rest of the engine writes them.
 */
export declare class EdgeMap {
    #private;
    constructor(slots: number);
    get(key: number): SubjectList | undefined;
    set(key: number, list: SubjectList): void;
    delete(key: number): void;
}
