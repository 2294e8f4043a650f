import { EdgeMap } from "./edge-map.js";
/**
 * One tenant's relationships in memory, shaped for evaluation. It knows nothing of the schema:
 * names are interned to small numbers, so the same index can be evaluated under two schema
 * versions at once (shadow evaluation, schema-change plans).
 *
 * Every object (`type:id`, including wildcards `type:*`) gets a dense number; a relation name
 * gets a number below `RELATION_SLOTS`. An edge key is `object * RELATION_SLOTS + relation`,
 * one JavaScript number, which keeps the maps small and the lookups cheap.
 */
export const RELATION_SLOTS = 4096;
/** Lists longer than this switch to a Set, so a membership test stays O(1) on big groups. */
const SET_THRESHOLD = 24;
/** The relation slot of a subject without a relation (`#...`). */
export const NO_RELATION = -1;
function listAdd(map, key, value) {
    const list = map.get(key);
    if (list === undefined)
        map.set(key, value);
    else if (typeof list === "number")
        map.set(key, [list, value]);
    else if (Array.isArray(list)) {
        if (list.length >= SET_THRESHOLD) {
            const set = new Set(list);
            set.add(value);
            map.set(key, set);
        }
        else {
            // A copy of exactly the new length: `push` would leave spare capacity in every list.
            const grown = new Array(list.length + 1);
            for (let i = 0; i < list.length; i++)
                grown[i] = list[i];
            grown[list.length] = value;
            map.set(key, grown);
        }
    }
    else {
        list.add(value);
    }
}
function listRemove(map, key, value) {
    const list = map.get(key);
    if (list === undefined)
        return;
    if (typeof list === "number") {
        if (list === value)
            map.delete(key);
    }
    else if (Array.isArray(list)) {
        const at = list.indexOf(value);
        if (at < 0)
            return;
        if (list.length === 2)
            map.set(key, list[1 - at]);
        else {
            // Order does not matter: move the last element into the hole.
            list[at] = list[list.length - 1];
            list.pop();
        }
    }
    else {
        list.delete(value);
        if (list.size === 0)
            map.delete(key);
    }
}
export function listHas(list, value) {
    if (list === undefined)
        return false;
    if (typeof list === "number")
        return list === value;
    return Array.isArray(list) ? list.includes(value) : list.has(value);
}
export class DataIndex {
    /** `type:id` → object number. */
    objectIds = new Map();
    /** object number → `type:id` */
    objectKeys = [];
    /** object number → type-name number */
    objectTypes = [];
    typeIds = new Map();
    typeNames = [];
    /** type-name number → its objects, for enumerating resources of a type. */
    objectsByType = [];
    relationIds = new Map();
    relationNames = [];
    /** type-name number → the wildcard object `type:*`, or -1. */
    wildcardOf = [];
    /** (resource, relation) → subject objects without a relation, wildcards included. */
    direct = new EdgeMap(RELATION_SLOTS);
    /** (resource, relation) → userset subjects, as (subject object, subject relation) keys. */
    usersets = new EdgeMap(RELATION_SLOTS);
    /** subject object → (resource, relation) keys of every relationship naming it as subject. */
    reverse = new Map();
    /**
     * (userset subject `object#relation`, resource relation) → resource objects: who names a
     * userset, by the relation they name it in. Lets a check walk group nesting upward along one
     * relation (`member`) without touching every resource that was shared with the group.
     */
    usersetParents = new Map();
    size = 0;
    /** Grows with every add and remove, so that derived caches know when they are stale. */
    version = 0;
    objectId(key) {
        return this.objectIds.get(key);
    }
    typeId(name) {
        return this.typeIds.get(name);
    }
    relationId(name) {
        return this.relationIds.get(name);
    }
    /** `type` part of an object's key. */
    typeNameOf(object) {
        return this.typeNames[this.objectTypes[object]];
    }
    /** `id` part of an object's key. */
    idOf(object) {
        const key = this.objectKeys[object];
        return key.slice(key.indexOf(":") + 1);
    }
    internType(name) {
        let id = this.typeIds.get(name);
        if (id === undefined) {
            id = this.typeNames.length;
            this.typeIds.set(name, id);
            this.typeNames.push(name);
            this.objectsByType.push([]);
            this.wildcardOf.push(-1);
        }
        return id;
    }
    internObject(type, id) {
        const key = `${type}:${id}`;
        let object = this.objectIds.get(key);
        if (object === undefined) {
            object = this.objectKeys.length;
            const typeId = this.internType(type);
            this.objectIds.set(key, object);
            this.objectKeys.push(key);
            this.objectTypes.push(typeId);
            if (id === "*")
                this.wildcardOf[typeId] = object;
            else
                this.objectsByType[typeId].push(object);
        }
        return object;
    }
    internRelation(name) {
        let id = this.relationIds.get(name);
        if (id === undefined) {
            id = this.relationNames.length;
            if (id >= RELATION_SLOTS) {
                throw new Error(`more than ${RELATION_SLOTS} distinct relation names in one tenant`);
            }
            this.relationIds.set(name, id);
            this.relationNames.push(name);
        }
        return id;
    }
    /** The last resource added: a load from the store arrives sorted by resource, so most rows repeat it. */
    lastResource = { type: "", id: "", object: -1 };
    add(r) {
        const last = this.lastResource;
        let resource;
        if (last.id === r.resource.id && last.type === r.resource.type)
            resource = last.object;
        else {
            resource = this.internObject(r.resource.type, r.resource.id);
            this.lastResource = { type: r.resource.type, id: r.resource.id, object: resource };
        }
        const key = resource * RELATION_SLOTS + this.internRelation(r.relation);
        const subject = this.internObject(r.subject.type, r.subject.id);
        const relation = key - resource * RELATION_SLOTS;
        if (r.subject.relation === undefined)
            listAdd(this.direct, key, subject);
        else {
            const userset = subject * RELATION_SLOTS + this.internRelation(r.subject.relation);
            listAdd(this.usersets, key, userset);
            listAdd(this.usersetParents, userset * RELATION_SLOTS + relation, resource);
        }
        // Set semantics: relationships that differ only in the subject relation share one entry.
        if (!listHas(this.reverse.get(subject), key))
            listAdd(this.reverse, subject, key);
        this.size++;
        this.version++;
    }
    /** Removes a relationship that is present (the store has already checked that it was live). */
    remove(r) {
        const resource = this.objectIds.get(`${r.resource.type}:${r.resource.id}`);
        const relation = this.relationIds.get(r.relation);
        const subject = this.objectIds.get(`${r.subject.type}:${r.subject.id}`);
        if (resource === undefined || relation === undefined || subject === undefined)
            return;
        const key = resource * RELATION_SLOTS + relation;
        if (r.subject.relation === undefined) {
            if (!listHas(this.direct.get(key), subject))
                return;
            listRemove(this.direct, key, subject);
        }
        else {
            const subjectRelation = this.relationIds.get(r.subject.relation);
            if (subjectRelation === undefined)
                return;
            const value = subject * RELATION_SLOTS + subjectRelation;
            if (!listHas(this.usersets.get(key), value))
                return;
            listRemove(this.usersets, key, value);
            listRemove(this.usersetParents, value * RELATION_SLOTS + relation, resource);
        }
        // The reverse list holds one entry per relationship; several relationships between the same
        // resource key and subject object (different subject relations) share the value, so remove one.
        listRemoveOne(this.reverse, subject, key, this);
        this.size--;
        this.version++;
    }
    /** Whether a relationship is present; used by tests and plans. */
    has(r) {
        const resource = this.objectIds.get(`${r.resource.type}:${r.resource.id}`);
        const relation = this.relationIds.get(r.relation);
        const subject = this.objectIds.get(`${r.subject.type}:${r.subject.id}`);
        if (resource === undefined || relation === undefined || subject === undefined)
            return false;
        const key = resource * RELATION_SLOTS + relation;
        if (r.subject.relation === undefined)
            return listHas(this.direct.get(key), subject);
        const subjectRelation = this.relationIds.get(r.subject.relation);
        return (subjectRelation !== undefined &&
            listHas(this.usersets.get(key), subject * RELATION_SLOTS + subjectRelation));
    }
    subjectRef(object, relation) {
        const type = this.typeNameOf(object);
        const id = this.idOf(object);
        return relation === NO_RELATION ? { type, id } : { type, id, relation: this.relationNames[relation] };
    }
}
/**
 * The reverse index keeps one (resource key) entry per relationship, but a Set cannot hold two
 * equal entries. Two relationships share a reverse entry only when they differ in the subject
 * relation alone; the entry must stay while either is present, so it is removed only when no
 * relationship between that key and the subject object remains.
 */
function listRemoveOne(map, subject, key, index) {
    const stillLinked = listHas(index.direct.get(key), subject) ||
        [...iterate(index.usersets.get(key))].some((v) => Math.floor(v / RELATION_SLOTS) === subject);
    if (!stillLinked)
        listRemove(map, subject, key);
}
export function* iterate(list) {
    if (list === undefined)
        return;
    if (typeof list === "number")
        yield list;
    else
        yield* list;
}
//# sourceMappingURL=data-index.js.map