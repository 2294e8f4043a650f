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
export class RelationEdges {
    #slots;
    #byObject = [];
    /** The plain subjects of an edge key. */
    direct;
    /** The userset subjects of an edge key. */
    usersets;
    constructor(slots) {
        this.#slots = slots;
        this.direct = this.#side(1);
        this.usersets = this.#side(2);
    }
    /** The object's triples, or undefined when it has no relationships as a resource. */
    entry(object) {
        return this.#byObject[object];
    }
    #side(offset) {
        return {
            get: (key) => this.#get(key, offset),
            set: (key, list) => this.#set(key, offset, list),
            delete: (key) => this.#set(key, offset, undefined),
        };
    }
    #get(key, offset) {
        const object = Math.floor(key / this.#slots);
        const entry = this.#byObject[object];
        if (entry === undefined)
            return undefined;
        const slot = key - object * this.#slots;
        for (let i = 0; i < entry.length; i += 3)
            if (entry[i] === slot)
                return entry[i + offset];
        return undefined;
    }
    #set(key, offset, list) {
        const object = Math.floor(key / this.#slots);
        const slot = key - object * this.#slots;
        const byObject = this.#byObject;
        while (byObject.length <= object)
            byObject.push(undefined);
        const entry = byObject[object];
        const at = entry === undefined ? -1 : findSlot(entry, slot);
        if (entry !== undefined && at >= 0) {
            entry[at + offset] = list;
            // A relation with neither side left goes, and an object with no relation left.
            if (entry[at + 1] === undefined && entry[at + 2] === undefined) {
                if (entry.length === 3)
                    byObject[object] = undefined;
                else
                    byObject[object] = [...entry.slice(0, at), ...entry.slice(at + 3)];
            }
            return;
        }
        if (list === undefined)
            return;
        // A new array of the exact size: `push` would leave spare capacity in every object's entry.
        const base = entry ?? [];
        const grown = new Array(base.length + 3);
        for (let i = 0; i < base.length; i++)
            grown[i] = base[i];
        grown[base.length] = slot;
        grown[base.length + offset] = list;
        grown[base.length + 3 - offset] = undefined;
        byObject[object] = grown;
    }
}
function findSlot(entry, slot) {
    for (let i = 0; i < entry.length; i += 3)
        if (entry[i] === slot)
            return i;
    return -1;
}
//# sourceMappingURL=relation-edges.js.map