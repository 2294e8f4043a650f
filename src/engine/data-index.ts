import type { Relationship, SubjectRef } from "../model/relationship.js";
import { conditionOf, type EdgeCondition, EdgeConditions } from "./edge-conditions.js";
import { edgeKey, keyObject, keyRelation, parentKey, RELATION_SLOTS } from "./encodings.js";
import type { FrozenEntries } from "./frozen-entries.js";
import { ObjectIds } from "./object-ids.js";
import { ObjectKeys } from "./object-keys.js";
import { ObjectLists } from "./object-lists.js";
import { type EdgeSide, RelationEdges } from "./relation-edges.js";

/**
 * One tenant's relationships in memory, shaped for evaluation. It knows nothing of the schema:
 * names are interned to small numbers, so the same index can be evaluated under two schema
 * versions at once (shadow evaluation, schema-change plans).
 *
 * Every object (`type:id`, including wildcards `type:*`) gets a dense number; a relation name
 * gets a number below `RELATION_SLOTS`. An edge key (`edgeKey`, encodings.ts) is one JavaScript
 * number, which keeps the maps small and the lookups cheap.
 */

/** Lists longer than this switch to a Set, so a membership test stays O(1) on big groups. */
const SET_THRESHOLD = 24;

/**
 * The subjects of one edge key: most keys have exactly one (a document's parent, its owner), and
 * that one is stored as the number itself, without an array around it (an array costs about 56
 * bytes and one more pointer to follow). Short lists are arrays of exactly their length, long
 * ones a Set. Read with `listHas` and `iterate`, or branch on `typeof list === "number"` in hot
 * loops.
 */
export type SubjectList = number | number[] | Set<number>;

/** The relation slot of a subject without a relation (`#...`). */
export const NO_RELATION = -1;

function listAdd(map: EdgeSide, key: number, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, value);
  else if (typeof list === "number") map.set(key, [list, value]);
  else if (Array.isArray(list)) {
    if (list.length >= SET_THRESHOLD) {
      const set = new Set(list);
      set.add(value);
      map.set(key, set);
    } else {
      // A copy of exactly the new length: `push` would leave spare capacity in every list.
      const grown = new Array<number>(list.length + 1);
      for (let i = 0; i < list.length; i++) grown[i] = list[i]!;
      grown[list.length] = value;
      map.set(key, grown);
    }
  } else {
    list.add(value);
    // Said, not only done: the edges keep what they were told was written (relation-edges.ts).
    map.set(key, list);
  }
}

function listRemove(map: EdgeSide, key: number, value: number): void {
  const list = map.get(key);
  if (list === undefined) return;
  if (typeof list === "number") {
    if (list === value) map.delete(key);
  } else if (Array.isArray(list)) {
    const at = list.indexOf(value);
    if (at < 0) return;
    if (list.length === 2) map.set(key, list[1 - at]!);
    else {
      // Order does not matter: move the last element into the hole.
      list[at] = list[list.length - 1]!;
      list.pop();
      map.set(key, list);
    }
  } else {
    list.delete(value);
    if (list.size === 0) map.delete(key);
    else map.set(key, list);
  }
}

export function listHas(list: SubjectList | undefined, value: number): boolean {
  if (list === undefined) return false;
  if (typeof list === "number") return list === value;
  return Array.isArray(list) ? list.includes(value) : list.has(value);
}

/** A relationship as a DataIndex's numbers; see `DataIndex.edge`. */
export interface Edge {
  readonly resource: number;
  readonly relation: number;
  readonly subject: number;
  /** NO_RELATION for a plain subject. */
  readonly subjectRelation: number;
}

/**
 * A DataIndex's contents as numbers and lists, exactly (object numbers, list kinds and orders):
 * what an index snapshot writes and reads (index-snapshot.ts). The rest of the index (the name
 * maps, the per-type object lists, the version counters) is derived from it.
 */
export interface IndexParts {
  readonly typeNames: readonly string[];
  readonly relationNames: readonly string[];
  /** object number → `type:id`, and → type number. */
  readonly objectKeys: readonly string[];
  readonly objectTypes: readonly number[];
  readonly usersetSubjectTypes: readonly number[];
  /** type number → its wildcard object `type:*`, or -1 (a format-2 snapshot has none: found then). */
  readonly wildcardOf?: readonly number[];
  readonly size: number;
  /** The edges (two sides), the userset parents (one side) and the reverse lists, frozen. */
  readonly edges: FrozenEntries;
  readonly usersetParents: FrozenEntries;
  readonly reverse: FrozenEntries;
  /** (edge key, subject value, condition) of direct edges, then of userset edges. */
  readonly directConditions: Iterable<[number, number, EdgeCondition]>;
  readonly usersetConditions: Iterable<[number, number, EdgeCondition]>;
}

export class DataIndex {
  /** object number → `type:id` (object-keys.ts: a snapshot's are cut out when asked for) */
  readonly objectKeys: ObjectKeys;
  /** object number → type-name number */
  readonly objectTypes: number[];
  /**
   * (type-name number, id) → object number: keyed by the id the caller already has, instead of
   * building and hashing `type:id` (see object-ids.ts).
   */
  private readonly ids: ObjectIds;
  private readonly typeIds = new Map<string, number>();
  readonly typeNames: string[] = [];
  /**
   * type-name number → its objects (wildcards left out), for enumerating resources of a type.
   * Listed when first read (`objectsByType`): a snapshot's load does not walk every object for
   * it, and a check never reads it.
   */
  #objectsByType: number[][] | undefined = [];

  get objectsByType(): number[][] {
    if (this.#objectsByType === undefined) {
      const lists: number[][] = this.typeNames.map(() => []);
      for (let object = 0; object < this.objectTypes.length; object++) {
        const type = this.objectTypes[object]!;
        if (this.wildcardOf[type] !== object) lists[type]!.push(object);
      }
      this.#objectsByType = lists;
    }
    return this.#objectsByType;
  }
  private readonly relationIds = new Map<string, number>();
  readonly relationNames: string[] = [];
  /** type-name number → the wildcard object `type:*`, or -1. */
  readonly wildcardOf: number[] = [];

  /** (resource, relation) → subject objects without a relation, wildcards included. */
  readonly direct: EdgeSide;
  /** (resource, relation) → userset subjects, as (subject object, subject relation) keys. */
  readonly usersets: EdgeSide;
  /** subject object → (resource, relation) keys of every relationship naming it as subject. */
  readonly reverse = new ObjectLists();
  /**
   * (userset subject `object#relation`, resource relation) → resource objects: who names a
   * userset, by the relation they name it in. Lets a check walk group nesting upward along one
   * relation (`member`) without touching every resource that was shared with the group.
   * Its key (`parentKey`) is an edge key whose "relation" is the pair, so it is stored per
   * subject object like the others.
   */
  readonly usersetParents: EdgeSide;
  readonly #parentEdges = new RelationEdges(RELATION_SLOTS * RELATION_SLOTS, [false]);

  /**
   * The caveats and expiration times of the edges that have them (edge-conditions.ts), by the
   * same keys and values as `direct` and `usersets`. Empty for plain data, which then costs
   * nothing more; while both are empty the evaluator answers with its two-valued fast path.
   */
  readonly directConditions = new EdgeConditions();
  readonly usersetConditions = new EdgeConditions();
  /** relation slot → how many of its edges carry a condition (only slots that ever had one). */
  readonly conditionsBySlot: number[] = [];
  /**
   * Moves whenever a relation gains its first conditional edge or loses its last: what the
   * evaluator derives from which relations have conditions holds while it does not move.
   */
  conditionSlotsVersion = 0;

  /** Both of the above, per object: the evaluator reads an object's relations from here. */
  readonly edges = new RelationEdges(RELATION_SLOTS, [false, true]);

  /** `objects`: the object lists of an index snapshot (see `fromParts`), taken over as they are. */
  constructor(objects?: { readonly keys: ObjectKeys; readonly types: number[] }) {
    this.objectKeys = objects?.keys ?? new ObjectKeys();
    this.objectTypes = objects?.types ?? [];
    this.objectVersions = objects ? new Array<number>(objects.keys.length).fill(0) : [];
    this.ids = new ObjectIds(this.objectKeys, this.objectTypes);
    this.direct = this.edges.direct;
    this.usersets = this.edges.usersets;
    this.usersetParents = this.#parentEdges.direct;
  }

  /**
   * Moves the edges, the userset parents and the reverse lists into typed arrays: after a bulk
   * load, where it more than halves their memory and the work of every full garbage collection
   * (relation-edges.ts). Later writes go to an overlay, folded in as it grows. Answers do not change.
   */
  freeze(): void {
    this.edges.freeze();
    this.#parentEdges.freeze();
    this.reverse.freeze();
  }

  /**
   * The index's contents for a snapshot; see `IndexParts`. Freezes the index (`freeze`). Read it
   * before the index changes again.
   */
  parts(): IndexParts {
    return {
      typeNames: this.typeNames,
      relationNames: this.relationNames,
      objectKeys: this.objectKeys.all(),
      objectTypes: this.objectTypes,
      usersetSubjectTypes: this.usersetSubjectTypes,
      wildcardOf: this.wildcardOf,
      size: this.size,
      edges: this.edges.frozen(),
      usersetParents: this.#parentEdges.frozen(),
      reverse: this.reverse.frozen(),
      directConditions: this.directConditions.entries(),
      usersetConditions: this.usersetConditions.entries(),
    };
  }

  /**
   * An index holding exactly `parts` (taken over, not copied): the same object numbers and
   * lists as the index they were read from, so it answers the same. Only the derived maps are
   * rebuilt; no relationship is added one by one.
   */
  static fromParts(
    parts: Omit<IndexParts, "objectKeys" | "objectTypes"> & {
      readonly objectKeys: ObjectKeys;
      readonly objectTypes: number[];
    },
  ): DataIndex {
    const { objectKeys, objectTypes } = parts;
    const index = new DataIndex({ keys: objectKeys, types: objectTypes });
    for (const name of parts.typeNames) index.internType(name);
    for (const name of parts.relationNames) index.internRelation(name);
    const prefixes = parts.typeNames.map((name) => name.length + 1);
    // Placed in the id table when first needed: a cold command looks up two or three objects.
    index.ids.adopt(objectKeys.length, prefixes);
    index.#objectsByType = undefined;
    if (parts.wildcardOf !== undefined)
      for (let type = 0; type < parts.wildcardOf.length; type++)
        index.wildcardOf[type] = parts.wildcardOf[type]!;
    else
      for (let object = 0; object < objectKeys.length; object++) {
        const type = objectTypes[object]!;
        const prefix = prefixes[type]!;
        // 42: `*`, the wildcard's id (read where the key is, not cut out)
        if (
          objectKeys.lengthOf(object) === prefix + 1 &&
          objectKeys.locate(object).charCodeAt(objectKeys.from + prefix) === 42
        )
          index.wildcardOf[type] = object;
      }
    for (let type = 0; type < parts.usersetSubjectTypes.length; type++)
      if (parts.usersetSubjectTypes[type] === 1) index.usersetSubjectTypes[type] = 1;
    index.edges.restore(parts.edges);
    index.#parentEdges.restore(parts.usersetParents);
    index.reverse.restore(parts.reverse);
    index.size = parts.size;
    for (const [key, value, condition] of parts.directConditions) {
      index.directConditions.set(key, value, condition);
      index.countCondition(keyRelation(key), 1);
    }
    for (const [key, value, condition] of parts.usersetConditions) {
      index.usersetConditions.set(key, value, condition);
      index.countCondition(keyRelation(key), 1);
    }
    return index;
  }

  size = 0;
  /** Grows with every add and remove, so that derived caches know when they are stale. */
  version = 0;
  /**
   * relation slot → how many times a relationship of that relation was added or removed: a
   * cache derived from a few relations (the evaluator's group memberships) stays valid while
   * their counts do not move, whatever else is written.
   */
  readonly relationVersions: number[] = [];
  /**
   * object number → how many times a relationship with it as the resource was added or removed:
   * a cache derived from a few objects' relations (a grant closure) is valid while their counts
   * do not move, whatever else is written.
   */
  readonly objectVersions: number[];
  /**
   * type number → 1 once an object of the type has been a userset subject (`team:t#member`).
   * Never cleared: while it is 0, a reverse entry of such an object can only be a direct one.
   */
  readonly usersetSubjectTypes: number[] = [];

  /** The object `type:id` (a key as `objectKeys` holds it). */
  objectId(key: string): number | undefined {
    const colon = key.indexOf(":");
    return colon < 0 ? undefined : this.objectOf(key.slice(0, colon), key.slice(colon + 1));
  }

  /** The object `type:id`. */
  objectOf(type: string, id: string): number | undefined {
    const typeId = this.typeIds.get(type);
    if (typeId === undefined) return undefined;
    const object = this.ids.get(typeId, id);
    return object < 0 ? undefined : object;
  }

  /** `objectOf` of the id `text[start, end)`, found without a string made for it. */
  objectIn(type: string, text: string, start: number, end: number): number | undefined {
    const typeId = this.typeIds.get(type);
    if (typeId === undefined) return undefined;
    const object = this.ids.getIn(typeId, text, start, end);
    return object < 0 ? undefined : object;
  }

  typeId(name: string): number | undefined {
    return this.typeIds.get(name);
  }

  relationId(name: string): number | undefined {
    return this.relationIds.get(name);
  }

  /** `type` part of an object's key. */
  typeNameOf(object: number): string {
    return this.typeNames[this.objectTypes[object]!]!;
  }

  /** `id` part of an object's key. */
  idOf(object: number): string {
    const key = this.objectKeys.get(object);
    return key.slice(key.indexOf(":") + 1);
  }

  private internType(name: string): number {
    let id = this.typeIds.get(name);
    if (id === undefined) {
      id = this.typeNames.length;
      this.typeIds.set(name, id);
      this.typeNames.push(name);
      this.#objectsByType?.push([]);
      this.wildcardOf.push(-1);
    }
    return id;
  }

  private internObject(type: string, id: string): number {
    const typeId = this.internType(type);
    let object = this.ids.get(typeId, id);
    if (object < 0) {
      object = this.objectKeys.length;
      this.objectKeys.push(`${type}:${id}`);
      this.objectTypes.push(typeId);
      this.objectVersions.push(0);
      this.ids.add(typeId, id, object);
      if (id === "*") this.wildcardOf[typeId] = object;
      else if (this.#objectsByType !== undefined) this.#objectsByType[typeId]!.push(object);
    }
    return object;
  }

  private internRelation(name: string): number {
    let id = this.relationIds.get(name);
    if (id === undefined) {
      id = this.relationNames.length;
      if (id >= RELATION_SLOTS) {
        throw new Error(`more than ${RELATION_SLOTS} distinct relation names in one tenant`);
      }
      this.relationIds.set(name, id);
      this.relationNames.push(name);
      this.relationVersions.push(0);
    }
    return id;
  }

  /** The last resource added: a load from the store arrives sorted by resource, so most rows repeat it. */
  private lastResource: { type: string; id: string; object: number } = { type: "", id: "", object: -1 };

  add(r: Relationship): void {
    const last = this.lastResource;
    let resource: number;
    if (last.id === r.resource.id && last.type === r.resource.type) resource = last.object;
    else {
      resource = this.internObject(r.resource.type, r.resource.id);
      this.lastResource = { type: r.resource.type, id: r.resource.id, object: resource };
    }
    const relation = this.internRelation(r.relation);
    const subject = this.internObject(r.subject.type, r.subject.id);
    const subjectRelation =
      r.subject.relation === undefined ? NO_RELATION : this.internRelation(r.subject.relation);
    this.addEdge(resource, relation, subject, subjectRelation);
    const condition = conditionOf(r);
    if (condition !== undefined) this.setCondition(resource, relation, subject, subjectRelation, condition);
  }

  /** How many edges carry a caveat or an expiration time. */
  get conditionCount(): number {
    return this.directConditions.size + this.usersetConditions.size;
  }

  /** The caveat and expiration of an edge present in the index; `undefined` when it has neither. */
  conditionOf(
    resource: number,
    relation: number,
    subject: number,
    subjectRelation: number,
  ): EdgeCondition | undefined {
    const key = edgeKey(resource, relation);
    return subjectRelation === NO_RELATION
      ? this.directConditions.get(key, subject)
      : this.usersetConditions.get(key, edgeKey(subject, subjectRelation));
  }

  /** Gives an edge present in the index its caveat and/or expiration time. */
  setCondition(
    resource: number,
    relation: number,
    subject: number,
    subjectRelation: number,
    condition: EdgeCondition,
  ): void {
    const key = edgeKey(resource, relation);
    const before = this.conditionCount;
    if (subjectRelation === NO_RELATION) this.directConditions.set(key, subject, condition);
    else this.usersetConditions.set(key, edgeKey(subject, subjectRelation), condition);
    if (this.conditionCount !== before) this.countCondition(relation, 1);
  }

  private countCondition(relation: number, delta: 1 | -1): void {
    const count = (this.conditionsBySlot[relation] ?? 0) + delta;
    this.conditionsBySlot[relation] = count;
    if (count === 0 || (count === 1 && delta === 1)) this.conditionSlotsVersion++;
  }

  /** Removes a relationship that is present (the store has already checked that it was live). */
  remove(r: Relationship): void {
    const resource = this.objectOf(r.resource.type, r.resource.id);
    const relation = this.relationIds.get(r.relation);
    const subject = this.objectOf(r.subject.type, r.subject.id);
    const subjectRelation =
      r.subject.relation === undefined ? NO_RELATION : this.relationIds.get(r.subject.relation);
    if (resource === undefined || relation === undefined || subject === undefined) return;
    if (subjectRelation === undefined) return;
    this.removeEdge(resource, relation, subject, subjectRelation);
  }

  /**
   * A relationship as the index's numbers (interning names it has not seen), for callers that
   * add and remove the same relationships many times: a plan applies its delta and takes it out
   * again, and names cost a hash lookup each time where numbers cost nothing.
   */
  edge(r: Relationship): Edge {
    return {
      resource: this.internObject(r.resource.type, r.resource.id),
      relation: this.internRelation(r.relation),
      subject: this.internObject(r.subject.type, r.subject.id),
      subjectRelation:
        r.subject.relation === undefined ? NO_RELATION : this.internRelation(r.subject.relation),
    };
  }

  addEdge(resource: number, relation: number, subject: number, subjectRelation: number): void {
    const key = edgeKey(resource, relation);
    if (subjectRelation === NO_RELATION) listAdd(this.direct, key, subject);
    else {
      const userset = edgeKey(subject, subjectRelation);
      this.usersetSubjectTypes[this.objectTypes[subject]!] = 1;
      listAdd(this.usersets, key, userset);
      listAdd(this.usersetParents, parentKey(userset, relation), resource);
    }
    // Set semantics: relationships that differ only in the subject relation share one entry.
    if (!listHas(this.reverse.get(subject), key)) listAdd(this.reverse, subject, key);
    this.size++;
    this.version++;
    this.relationVersions[relation]! += 1;
    this.objectVersions[resource]! += 1;
  }

  /** Removes the relationship if it is present. */
  removeEdge(resource: number, relation: number, subject: number, subjectRelation: number): void {
    const key = edgeKey(resource, relation);
    if (subjectRelation === NO_RELATION) {
      if (!listHas(this.direct.get(key), subject)) return;
      listRemove(this.direct, key, subject);
    } else {
      const value = edgeKey(subject, subjectRelation);
      if (!listHas(this.usersets.get(key), value)) return;
      listRemove(this.usersets, key, value);
      listRemove(this.usersetParents, parentKey(value, relation), resource);
    }
    if (this.conditionCount > 0) {
      const before = this.conditionCount;
      if (subjectRelation === NO_RELATION) this.directConditions.delete(key, subject);
      else this.usersetConditions.delete(key, edgeKey(subject, subjectRelation));
      if (this.conditionCount !== before) this.countCondition(relation, -1);
    }
    // The reverse list holds one entry per relationship; several relationships between the same
    // resource key and subject object (different subject relations) share the value, so remove one.
    listRemoveOne(this.reverse, subject, key, this);
    this.size--;
    this.version++;
    this.relationVersions[relation]! += 1;
    this.objectVersions[resource]! += 1;
  }

  /**
   * Removes the edge `key` → `value` as the edge maps hold it (a userset's value is its edge
   * key), if present: for edges known only by their keys (an index snapshot's expired ones).
   */
  removeKeyed(userset: boolean, key: number, value: number): void {
    const subject = userset ? keyObject(value) : value;
    const subjectRelation = userset ? keyRelation(value) : NO_RELATION;
    this.removeEdge(keyObject(key), keyRelation(key), subject, subjectRelation);
  }

  /** Whether a relationship is present; used by tests and plans. */
  has(r: Relationship): boolean {
    const resource = this.objectOf(r.resource.type, r.resource.id);
    const relation = this.relationIds.get(r.relation);
    const subject = this.objectOf(r.subject.type, r.subject.id);
    if (resource === undefined || relation === undefined || subject === undefined) return false;
    const key = edgeKey(resource, relation);
    if (r.subject.relation === undefined) return listHas(this.direct.get(key), subject);
    const subjectRelation = this.relationIds.get(r.subject.relation);
    return (
      subjectRelation !== undefined && listHas(this.usersets.get(key), edgeKey(subject, subjectRelation))
    );
  }

  subjectRef(object: number, relation: number): SubjectRef {
    const type = this.typeNameOf(object);
    const id = this.idOf(object);
    return relation === NO_RELATION ? { type, id } : { type, id, relation: this.relationNames[relation]! };
  }
}

/**
 * The reverse index keeps one (resource key) entry per relationship, but a Set cannot hold two
 * equal entries. Two relationships share a reverse entry only when they differ in the subject
 * relation alone; the entry must stay while either is present, so it is removed only when no
 * relationship between that key and the subject object remains.
 */
function listRemoveOne(map: EdgeSide, subject: number, key: number, index: DataIndex): void {
  const stillLinked =
    listHas(index.direct.get(key), subject) ||
    [...iterate(index.usersets.get(key))].some((v) => keyObject(v) === subject);
  if (!stillLinked) listRemove(map, subject, key);
}

export function* iterate(list: SubjectList | undefined): Iterable<number> {
  if (list === undefined) return;
  if (typeof list === "number") yield list;
  else yield* list;
}
