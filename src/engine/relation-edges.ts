import type { SubjectList } from "./data-index.js";
import { DIRECT_SIDE, type RelationEntry, USERSETS_SIDE } from "./encodings.js";

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
 * With one side (`sides = 1`) an entry is `[slot, list, …]`: the same per-object layout for a
 * plain key → list map (the userset parents).
 *
 * Keys are edge keys (`object * slots + relation`, see encodings.ts), and entries read with
 * encodings.ts's accessors.
 */
export class RelationEdges {
  readonly #slots: number;
  /** Numbers per relation in an entry: the slot, then one list per side. */
  readonly #stride: number;
  #byObject: ((number | SubjectList | undefined)[] | undefined)[] = [];
  /** The plain subjects of an edge key (the only side, with one). */
  readonly direct: EdgeSide;
  /** The userset subjects of an edge key (with two sides). */
  readonly usersets: EdgeSide;

  constructor(slots: number, sides: 1 | 2 = 2) {
    this.#slots = slots;
    this.#stride = sides + 1;
    this.direct = this.#side(DIRECT_SIDE);
    this.usersets = this.#side(USERSETS_SIDE);
  }

  /** Every object's entry, by object number: what an index snapshot writes (index-snapshot.ts). */
  get entries(): readonly (RelationEntry | undefined)[] {
    return this.#byObject;
  }

  /** Takes over the entries an index snapshot read (a new, empty instance only). */
  restore(entries: ((number | SubjectList | undefined)[] | undefined)[]): void {
    if (this.#byObject.length > 0) throw new Error("restore into relation edges that are not empty");
    this.#byObject = entries;
  }

  /** The object's entry (see above), or undefined when it has no relationships as a resource. */
  entry(object: number): RelationEntry | undefined {
    return this.#byObject[object];
  }

  #side(offset: number): EdgeSide {
    return {
      get: (key) => this.#get(key, offset),
      set: (key, list) => this.#set(key, offset, list),
      delete: (key) => this.#set(key, offset, undefined),
    };
  }

  #get(key: number, offset: number): SubjectList | undefined {
    const object = Math.floor(key / this.#slots);
    const entry = this.#byObject[object];
    if (entry === undefined) return undefined;
    const slot = key - object * this.#slots;
    const stride = this.#stride;
    for (let i = 0; i < entry.length; i += stride)
      if (entry[i] === slot) return entry[i + offset] as SubjectList;
    return undefined;
  }

  #set(key: number, offset: number, list: SubjectList | undefined): void {
    const object = Math.floor(key / this.#slots);
    const slot = key - object * this.#slots;
    const stride = this.#stride;
    const byObject = this.#byObject;
    while (byObject.length <= object) byObject.push(undefined);
    const entry = byObject[object];
    let at = -1;
    if (entry !== undefined)
      for (let i = 0; i < entry.length && at < 0; i += stride) if (entry[i] === slot) at = i;
    if (entry !== undefined && at >= 0) {
      entry[at + offset] = list;
      // A relation with no side left goes, and an object with no relation left.
      let empty = true;
      for (let side = 1; side < stride; side++) if (entry[at + side] !== undefined) empty = false;
      if (empty) {
        if (entry.length === stride) byObject[object] = undefined;
        else byObject[object] = [...entry.slice(0, at), ...entry.slice(at + stride)];
      }
      return;
    }
    if (list === undefined) return;
    // A new array of the exact size (the other sides absent): `push` would leave spare
    // capacity in every object's entry.
    const base = entry ?? [];
    const grown = new Array<number | SubjectList | undefined>(base.length + stride).fill(undefined);
    for (let i = 0; i < base.length; i++) grown[i] = base[i];
    grown[base.length] = slot;
    grown[base.length + offset] = list;
    byObject[object] = grown;
  }
}
