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
export class EdgeMap {
    #slots;
    #byObject = [];
    constructor(slots) {
        this.#slots = slots;
    }
    get(key) {
        const object = Math.floor(key / this.#slots);
        const entry = this.#byObject[object];
        if (entry === undefined)
            return undefined;
        const slot = key - object * this.#slots;
        for (let i = 0; i < entry.length; i += 2)
            if (entry[i] === slot)
                return entry[i + 1];
        return undefined;
    }
    set(key, list) {
        const object = Math.floor(key / this.#slots);
        const slot = key - object * this.#slots;
        const byObject = this.#byObject;
        while (byObject.length <= object)
            byObject.push(undefined);
        const entry = byObject[object];
        if (entry === undefined) {
            byObject[object] = [slot, list];
            return;
        }
        for (let i = 0; i < entry.length; i += 2) {
            if (entry[i] === slot) {
                entry[i + 1] = list;
                return;
            }
        }
        // A new array of the exact size: `push` would leave spare capacity in every object's entry.
        const grown = new Array(entry.length + 2);
        for (let i = 0; i < entry.length; i++)
            grown[i] = entry[i];
        grown[entry.length] = slot;
        grown[entry.length + 1] = list;
        byObject[object] = grown;
    }
    delete(key) {
        const object = Math.floor(key / this.#slots);
        const entry = this.#byObject[object];
        if (entry === undefined)
            return;
        const slot = key - object * this.#slots;
        for (let i = 0; i < entry.length; i += 2) {
            if (entry[i] !== slot)
                continue;
            if (entry.length === 2)
                this.#byObject[object] = undefined;
            else {
                const rest = new Array(entry.length - 2);
                for (let j = 0, k = 0; j < entry.length; j += 2) {
                    if (j === i)
                        continue;
                    rest[k++] = entry[j];
                    rest[k++] = entry[j + 1];
                }
                this.#byObject[object] = rest;
            }
            return;
        }
    }
}
//# sourceMappingURL=edge-map.js.map