import type { SubjectList } from "./data-index.js";
import { DIRECT_SIDE, type RelationEntry, USERSETS_SIDE } from "./encodings.js";
import { FrozenEntries, FrozenWriter, listLength, type MutableEntry } from "./frozen-entries.js";

/** What the list helpers read and write: one side (direct or userset subjects) of the edges. */
export interface EdgeSide {
  get(key: number): SubjectList | undefined;
  set(key: number, list: SubjectList): void;
  delete(key: number): void;
}

/**
 * Objects whose entries the overlay may hold beside frozen ones before it is folded into them
 * (written) or let go (only read): an eighth of the frozen objects, and at least this many.
 */
const OVERLAY_MIN = 4096;

/** The entry of an object with no relation, while freezing (never written to). */
const NO_RELATIONS: MutableEntry = [];

/** Objects a page of the overlay holds (a power of two). */
const PAGE_BITS = 10;
const PAGE_MASK = (1 << PAGE_BITS) - 1;

/**
 * object → its overlay entry, in pages of 1,024 made on first use. A flat array grown to the
 * number of the object read (a cold check reads objects numbered up to a million) was a million
 * `push`es, about a tenth of a second of a cold CLI check, and 8 MB per side to say "not here".
 */
class Overlay {
  #pages: (MutableEntry | null | undefined)[][] = [];
  /** One past the highest object ever set (as a flat array's length). */
  length = 0;

  get(object: number): MutableEntry | null | undefined {
    const page = this.#pages[object >>> PAGE_BITS];
    return page === undefined ? undefined : page[object & PAGE_MASK];
  }

  set(object: number, entry: MutableEntry | null | undefined): void {
    const at = object >>> PAGE_BITS;
    const pages = this.#pages;
    while (pages.length <= at) pages.push(undefined as unknown as MutableEntry[]);
    if (object >= this.length) this.length = object + 1;
    let page = pages[at];
    if (page === undefined) {
      if (entry === undefined) return;
      page = new Array(1 << PAGE_BITS);
      pages[at] = page;
    }
    page[object & PAGE_MASK] = entry;
  }
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
 * plain key → list map (the userset parents, the reverse lists).
 *
 * After a bulk load (`freeze`, or `restore` from a snapshot) the entries live in typed arrays
 * (frozen-entries.ts), and this keeps an overlay of JavaScript entries over them: the entries
 * written since, and the entries read since (built from the frozen arrays on first read, so a
 * check reads the same arrays it always did). Read-only entries are let go when there are many;
 * written ones are folded into new frozen arrays when there are many.
 *
 * Keys are edge keys (`object * slots + relation`, see encodings.ts), and entries read with
 * encodings.ts's accessors.
 */
export class RelationEdges {
  readonly #slots: number;
  /** Numbers per relation in an entry: the slot, then one list per side. */
  readonly #stride: number;
  /** Per side: whether its values need doubles (edge keys) rather than 32-bit integers. */
  readonly #wide: readonly boolean[];
  /** The overlay: object → its entry, or null for none (over frozen entries that had one). */
  #byObject = new Overlay();
  #frozen: FrozenEntries | undefined;
  /** Objects written since the freeze (their overlay entry is the truth); only with frozen entries. */
  #written = new Set<number>();
  /** Objects whose overlay entry was only read from the frozen entries (may be let go). */
  #read: number[] = [];
  /** The plain subjects of an edge key (the only side, with one). */
  readonly direct: EdgeSide;
  /** The userset subjects of an edge key (with two sides). */
  readonly usersets: EdgeSide;

  constructor(slots: number, wide: readonly boolean[]) {
    this.#slots = slots;
    this.#wide = wide;
    this.#stride = wide.length + 1;
    this.direct = this.#side(DIRECT_SIDE);
    this.usersets = this.#side(USERSETS_SIDE);
  }

  /** Every entry, frozen (folding the overlay in first): what an index snapshot writes. */
  frozen(): FrozenEntries {
    this.freeze();
    return this.#frozen!;
  }

  /** Takes over frozen entries an index snapshot read (a new, empty instance only). */
  restore(frozen: FrozenEntries): void {
    if (this.#byObject.length > 0 || this.#frozen !== undefined)
      throw new Error("restore into relation edges that are not empty");
    if (!frozen.fits(this.#wide)) throw new Error("frozen entries of another shape");
    this.#frozen = frozen;
  }

  /**
   * Moves every entry into typed arrays (after a bulk load; when the overlay has grown): the
   * answers do not change, only where the lists live. O(relationships).
   */
  freeze(): void {
    const old = this.#frozen;
    if (old !== undefined && this.#written.size === 0 && this.#byObject.length <= old.objects) {
      this.#letGo();
      return;
    }
    const objects = Math.max(this.#byObject.length, old?.objects ?? 0);
    let relations = 0;
    const values = this.#wide.map(() => 0);
    const stride = this.#stride;
    for (let object = 0; object < objects; object++) {
      const entry = this.#current(object);
      if (entry === undefined) {
        if (old === undefined || object >= old.objects) continue;
        // Still as frozen: counted from the frozen ranges, not rebuilt.
        const from = old.objectStarts[object]!;
        const to = old.objectStarts[object + 1]!;
        relations += to - from;
        for (let side = 0; side < values.length; side++)
          values[side]! += old.listStarts[side]![to]! - old.listStarts[side]![from]!;
        continue;
      }
      relations += entry.length / stride;
      for (let at = 0; at < entry.length; at += stride)
        for (let side = 0; side < values.length; side++)
          values[side]! += listLength(entry[at + 1 + side] as SubjectList | undefined);
    }
    const writer = new FrozenWriter(FrozenEntries.allocate({ objects, relations, values }, this.#wide));
    for (let object = 0; object < objects; object++) {
      writer.object();
      const entry = this.#current(object);
      if (entry === undefined) {
        if (old !== undefined && object < old.objects) writer.copy(old, object);
        continue;
      }
      for (let at = 0; at < entry.length; at += stride) {
        writer.relation(entry[at] as number);
        for (let side = 0; side < values.length; side++)
          writer.subjects(side, entry[at + 1 + side] as SubjectList | undefined);
      }
    }
    this.#frozen = writer.finish();
    this.#byObject = new Overlay();
    this.#written = new Set();
    this.#read = [];
  }

  /**
   * The overlay's entry of an object when it differs from the frozen one (written, or no frozen
   * entries), NO_RELATIONS for none; undefined when the frozen entry stands.
   */
  #current(object: number): MutableEntry | undefined {
    const entry = this.#byObject.get(object);
    const frozen = this.#frozen;
    if (frozen !== undefined && object < frozen.objects && !this.#written.has(object)) return undefined;
    return entry ?? NO_RELATIONS;
  }

  /** The object's entry (see above), or undefined when it has no relationships as a resource. */
  entry(object: number): RelationEntry | undefined {
    const entry = this.#byObject.get(object);
    if (entry !== undefined) return entry ?? undefined;
    return this.#read1(object);
  }

  /** Whether the object has an entry, without building it from the frozen arrays. */
  has(object: number): boolean {
    const entry = this.#byObject.get(object);
    if (entry !== undefined) return entry !== null;
    const frozen = this.#frozen;
    return (
      frozen !== undefined &&
      object < frozen.objects &&
      frozen.objectStarts[object] !== frozen.objectStarts[object + 1]
    );
  }

  /** The frozen entry of an object the overlay does not hold, kept in the overlay for the next read. */
  #read1(object: number): MutableEntry | undefined {
    const frozen = this.#frozen;
    if (frozen === undefined || object >= frozen.objects) return undefined;
    const entry = frozen.entry(object);
    if (entry === undefined) return undefined;
    if (this.#read.length >= Math.max(OVERLAY_MIN, frozen.objects / 8)) this.#letGo();
    this.#byObject.set(object, entry);
    this.#read.push(object);
    return entry;
  }

  /** Drops the overlay entries that were only read: the frozen ones are the same. */
  #letGo(): void {
    for (const object of this.#read) if (!this.#written.has(object)) this.#byObject.set(object, undefined);
    this.#read = [];
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
    const entry = this.entry(object);
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
    const entry = this.entry(object) as MutableEntry | undefined;
    const frozen = this.#frozen;
    if (frozen !== undefined) {
      this.#written.add(object);
      if (this.#written.size > Math.max(OVERLAY_MIN, frozen.objects / 8)) {
        // Folded in before this write, which then lands in the new overlay.
        this.freeze();
        this.#set(key, offset, list);
        return;
      }
    }
    const byObject = this.#byObject;
    // Over frozen entries, "none" must be said (null), or the frozen entry would show through.
    const none = frozen !== undefined && object < frozen.objects ? null : undefined;
    let at = -1;
    if (entry !== undefined)
      for (let i = 0; i < entry.length && at < 0; i += stride) if (entry[i] === slot) at = i;
    if (entry !== undefined && at >= 0) {
      entry[at + offset] = list;
      // A relation with no side left goes, and an object with no relation left.
      let empty = true;
      for (let side = 1; side < stride; side++) if (entry[at + side] !== undefined) empty = false;
      if (empty) {
        if (entry.length === stride) byObject.set(object, none);
        else byObject.set(object, [...entry.slice(0, at), ...entry.slice(at + stride)]);
      } else byObject.set(object, entry);
      return;
    }
    if (list === undefined) {
      byObject.set(object, entry ?? none);
      return;
    }
    // A new array of the exact size (the other sides absent): `push` would leave spare
    // capacity in every object's entry.
    const base = entry ?? [];
    const grown = new Array<number | SubjectList | undefined>(base.length + stride).fill(undefined);
    for (let i = 0; i < base.length; i++) grown[i] = base[i];
    grown[base.length] = slot;
    grown[base.length + offset] = list;
    byObject.set(object, grown);
  }
}
