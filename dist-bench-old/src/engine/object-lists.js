/**
 * object → subject list, in an array indexed by the object's dense number: the reverse index
 * (subject → the edges that name it) is read once per new subject on the check path, and an
 * array slot is one load where a `Map` of every object would hash and probe.
 */
export class ObjectLists {
    #lists = [];
    get(object) {
        return this.#lists[object];
    }
    set(object, list) {
        const lists = this.#lists;
        while (lists.length <= object)
            lists.push(undefined);
        lists[object] = list;
    }
    delete(object) {
        if (object < this.#lists.length)
            this.#lists[object] = undefined;
    }
}
//# sourceMappingURL=object-lists.js.map