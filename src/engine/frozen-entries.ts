import type { SubjectList } from "./data-index.js";

/**
 * A RelationEdges' entries frozen into typed arrays, CSR-style: per object a range of relations,
 * per relation its slot and, per side, a range of values and the kind of list they form. At a
 * million relationships the same entries as JavaScript arrays were about 540,000 small arrays
 * (an entry per object, a list per relation with more than one subject, a reverse list per
 * subject): 66 MB of heap, without pointer compression, that every full garbage collection
 * walks, and most of a snapshot's load time and peak memory went into building them. Here they
 * are a dozen typed arrays outside the heap, about a third of the size.
 *
 * Frozen entries never change: RelationEdges reads an object's entry from here (`entry`, which
 * builds the arrays its readers know) and keeps the ones it has read or written in its overlay.
 */

/** How a relation's values form its list: as the snapshot's list headers number them. */
export const ABSENT = 0;
export const KIND_NUMBER = 1;
export const KIND_ARRAY = 2;
export const KIND_SET = 3;

/** A side's values: object numbers fit 32 bits; edge keys (usersets, reverse) need doubles. */
export type FrozenValues = Int32Array | Float64Array;

/** An entry as RelationEdges keeps it: `[slot, list…, slot, list…]`. */
export type MutableEntry = (number | SubjectList | undefined)[];

/** Sizes of frozen entries, known before they are filled (a snapshot's meta records them). */
export interface FrozenCounts {
  readonly objects: number;
  readonly relations: number;
  /** Values per side. */
  readonly values: readonly number[];
}

export class FrozenEntries {
  constructor(
    /** object → its first relation; `objectStarts[object + 1]` ends its range (objects + 1). */
    readonly objectStarts: Int32Array,
    /** relation → its slot (the relation name's number, or a parent key's pair). */
    readonly slots: Int32Array,
    /** Per side: relation → its first value (relations + 1). */
    readonly listStarts: readonly Int32Array[],
    /** Per side: relation → the kind of its list (`ABSENT`, `KIND_NUMBER`, …). */
    readonly kinds: readonly Uint8Array[],
    /** Per side: the values of every list, in order. */
    readonly values: readonly FrozenValues[],
  ) {}

  /** Empty arrays of the given sizes, to be filled in order (`FrozenWriter`). */
  static allocate(counts: FrozenCounts, wide: readonly boolean[]): FrozenEntries {
    return new FrozenEntries(
      new Int32Array(counts.objects + 1),
      new Int32Array(counts.relations),
      wide.map(() => new Int32Array(counts.relations + 1)),
      wide.map(() => new Uint8Array(counts.relations)),
      wide.map((w, side) =>
        w ? new Float64Array(counts.values[side]!) : new Int32Array(counts.values[side]!),
      ),
    );
  }

  get objects(): number {
    return this.objectStarts.length - 1;
  }

  get counts(): FrozenCounts {
    return {
      objects: this.objects,
      relations: this.slots.length,
      values: this.values.map((v) => v.length),
    };
  }

  /** Whether this is the shape RelationEdges with these sides keeps. */
  fits(wide: readonly boolean[]): boolean {
    return (
      this.values.length === wide.length &&
      this.values.every((v, side) => v instanceof Float64Array === wide[side])
    );
  }

  /** The object's entry as RelationEdges' readers know it (new arrays), or undefined. */
  entry(object: number): MutableEntry | undefined {
    const from = this.objectStarts[object]!;
    const to = this.objectStarts[object + 1]!;
    if (from === to) return undefined;
    const sides = this.values.length;
    const stride = sides + 1;
    const entry: MutableEntry = new Array(stride * (to - from));
    for (let r = from, at = 0; r < to; r++, at += stride) {
      entry[at] = this.slots[r]!;
      for (let side = 0; side < sides; side++) entry[at + 1 + side] = this.list(side, r);
    }
    return entry;
  }

  /** The list of relation `r` on `side`, as it was when frozen (kind and order). */
  list(side: number, r: number): SubjectList | undefined {
    const kind = this.kinds[side]![r]!;
    if (kind === ABSENT) return undefined;
    const values = this.values[side]!;
    const from = this.listStarts[side]![r]!;
    if (kind === KIND_NUMBER) return values[from]!;
    const to = this.listStarts[side]![r + 1]!;
    if (kind === KIND_ARRAY) {
      const list = new Array<number>(to - from);
      for (let i = from; i < to; i++) list[i - from] = values[i]!;
      return list;
    }
    const set = new Set<number>();
    for (let i = from; i < to; i++) set.add(values[i]!);
    return set;
  }
}

/** Fills allocated FrozenEntries object by object, relation by relation, in order. */
export class FrozenWriter {
  readonly frozen: FrozenEntries;
  #object = 0;
  #relation = 0;
  readonly #filled: number[];

  constructor(frozen: FrozenEntries) {
    this.frozen = frozen;
    this.#filled = frozen.values.map(() => 0);
  }

  /** Starts the next object. */
  object(): void {
    this.frozen.objectStarts[this.#object] = this.#relation;
    this.#object++;
  }

  /** Starts the next relation of the current object. */
  relation(slot: number): void {
    this.frozen.slots[this.#relation] = slot;
    this.#relation++;
  }

  /** Sets the current relation's list on `side` (call once per side, sides in order). */
  list(side: number, kind: number): void {
    const r = this.#relation - 1;
    this.frozen.kinds[side]![r] = kind;
    this.frozen.listStarts[side]![r] = this.#filled[side]!;
  }

  /** Appends a value to the current relation's list on `side`. */
  value(side: number, value: number): void {
    this.frozen.values[side]![this.#filled[side]!++] = value;
  }

  /** The current relation's list on `side`, whatever its form. */
  subjects(side: number, list: SubjectList | undefined): void {
    if (list === undefined) this.list(side, ABSENT);
    else if (typeof list === "number") {
      this.list(side, KIND_NUMBER);
      this.value(side, list);
    } else {
      this.list(side, Array.isArray(list) ? KIND_ARRAY : KIND_SET);
      for (const value of list) this.value(side, value);
    }
  }

  /** Copies object `object` of `from` (same sides) as the current object's relations. */
  copy(from: FrozenEntries, object: number): void {
    for (let r = from.objectStarts[object]!; r < from.objectStarts[object + 1]!; r++) {
      this.relation(from.slots[r]!);
      for (let side = 0; side < from.values.length; side++) {
        this.list(side, from.kinds[side]![r]!);
        const values = from.values[side]!;
        for (let i = from.listStarts[side]![r]!; i < from.listStarts[side]![r + 1]!; i++)
          this.value(side, values[i]!);
      }
    }
  }

  /** Closes the ranges; throws when the sizes allocated were not the sizes filled. */
  finish(): FrozenEntries {
    const f = this.frozen;
    if (this.#object !== f.objects || this.#relation !== f.slots.length)
      throw new Error(
        `frozen entries filled ${this.#object} objects and ${this.#relation} relations of ${f.objects} and ${f.slots.length}`,
      );
    f.objectStarts[this.#object] = this.#relation;
    for (let side = 0; side < f.values.length; side++) {
      if (this.#filled[side] !== f.values[side]!.length)
        throw new Error(`frozen entries filled ${this.#filled[side]} values of ${f.values[side]!.length}`);
      f.listStarts[side]![this.#relation] = this.#filled[side]!;
    }
    return f;
  }
}

/** Values a list holds. */
export function listLength(list: SubjectList | undefined): number {
  if (list === undefined) return 0;
  if (typeof list === "number") return 1;
  return Array.isArray(list) ? list.length : list.size;
}
