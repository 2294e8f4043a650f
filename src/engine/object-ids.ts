import type { ObjectKeys } from "./object-keys.js";

/**
 * (type, id) → object number: the first step of every check (the resource and the subject are
 * named by strings) and, with a million objects, the slowest one. A `Map` keyed by id strings
 * takes three cache misses a lookup (its bucket, its entry, then the stored key string to compare
 * with); this table keeps the hash, the object and the id's first characters side by side in one
 * 32-byte slot, so a lookup of an id up to `INLINE` characters long reads one slot, usually one
 * cache line. Longer ids (and ids with characters above U+00FF, which ids never have once
 * validated) compare the rest against the object's key string.
 *
 * Open addressing with linear probing; objects are never removed (an index interns an object for
 * good), so there are no tombstones. The table lives in a resizable ArrayBuffer and grows in
 * place, refilled from the index's own `type:id` keys: growing into a new buffer would free the
 * old one each time, and at a million objects those freed tables stayed in the process's
 * resident memory (about 25 bytes per relationship in the benchmark).
 */

/** 32-bit words per slot: hash, object + 1 (0: empty), meta, then `INLINE` bytes of the id. */
const STRIDE = 8;
const SLOT_BYTES = STRIDE * 4;
const INLINE = (STRIDE - 3) * 4;
/** meta = type * META_TYPE + length, or + LONG where the inline bytes do not settle it. */
const META_TYPE = 1 << 12;
const LONG = META_TYPE - 1;
/**
 * Lookups answered by scanning the objects a snapshot brought (`adopt`) before they are placed
 * in the table: a cold CLI command asks for two or three objects, and a scan of a million keys
 * costs a few milliseconds where placing them all costs a fifth of a second and a 64 MB table.
 * The lookup after these places them all (so does any new object).
 */
const SCAN_LOOKUPS = 4;
/** Address space a small table reserves; a table that outgrows it reserves `LARGE_RESERVE`. */
const SMALL_RESERVE = 1 << 20;
const LARGE_RESERVE = 1 << 30;

interface ResizableBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

function resizableBuffer(byteLength: number, maxByteLength: number): ResizableBuffer {
  const Resizable = ArrayBuffer as unknown as new (
    length: number,
    options: { maxByteLength: number },
  ) => ResizableBuffer;
  return new Resizable(byteLength, { maxByteLength });
}

export class ObjectIds {
  #buffer: ResizableBuffer;
  /** Both views track the buffer's length as it grows. */
  #slots: Int32Array;
  #bytes: Uint8Array;
  #mask: number;
  #size = 0;
  /** Objects `0 … #placed - 1` are in the table; the rest of `#size` (adopted) are not yet. */
  #placed = 0;
  /** Lookups answered by a scan so far (see `SCAN_LOOKUPS`). */
  #scans = 0;
  /** object number → `type:id` and → type number: the index's own lists. */
  readonly #keys: ObjectKeys;
  readonly #types: readonly number[];
  /** type number → the length of `type:` in its keys. */
  readonly #prefixLengths: number[] = [];
  /** The meta word of the id last hashed (see `#hash`). */
  #meta = 0;

  constructor(keys: ObjectKeys, types: readonly number[]) {
    this.#keys = keys;
    this.#types = types;
    const size = 64;
    this.#buffer = resizableBuffer(size * SLOT_BYTES, SMALL_RESERVE);
    this.#slots = new Int32Array(this.#buffer);
    this.#bytes = new Uint8Array(this.#buffer);
    this.#mask = size - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The object with this type number and id, or -1. */
  get(type: number, id: string): number {
    return this.getIn(type, id, 0, id.length);
  }

  /** `get` of the id `text[start, end)`: a batch of check lines finds its ids without a string made for each. */
  getIn(type: number, text: string, start: number, end: number): number {
    if (this.#placed < this.#size) {
      if (this.#scans < SCAN_LOOKUPS) {
        this.#scans++;
        const placed = this.#placed > 0 ? this.#lookup(type, text, start, end) : -1;
        return placed >= 0 ? placed : this.#scan(type, text.slice(start, end));
      }
      this.#placeAll();
    }
    return this.#lookup(type, text, start, end);
  }

  /**
   * Takes over the first `count` objects of the index's keys at once (an index snapshot's), with
   * `prefixLengths[type]`, the length of `type:` in their keys. They are placed in the table at
   * the first lookups that are not answered by a scan, or before a new object is added.
   */
  adopt(count: number, prefixLengths: readonly number[]): void {
    if (this.#size !== 0) throw new Error("objects are adopted into an empty table only");
    if (prefixLengths.length >= 1 << 18) throw new Error("more than 262,144 object types in one tenant");
    for (let type = 0; type < prefixLengths.length; type++) {
      while (this.#prefixLengths.length <= type) this.#prefixLengths.push(-1);
      this.#prefixLengths[type] = prefixLengths[type]!;
    }
    this.#size = count;
  }

  /** The adopted object with this type number and id that is not placed yet, or -1. */
  #scan(type: number, id: string): number {
    const prefix = this.#prefixLengths[type];
    if (prefix === undefined || prefix < 0) return -1;
    const keys = this.#keys;
    const types = this.#types;
    const length = prefix + id.length;
    for (let object = this.#placed; object < this.#size; object++) {
      if (types[object] !== type || keys.lengthOf(object) !== length) continue;
      // Compared where the key is, without cutting it out (object-keys.ts).
      if (keys.locate(object).startsWith(id, keys.from + prefix)) return object;
    }
    return -1;
  }

  /** Places the adopted objects not placed yet, in one go (the table sized for them first). */
  #placeAll(): void {
    // Sized first (refilled with the placed ones), so that the rest go in without a growth.
    this.reserve(this.#size);
    for (let object = this.#placed; object < this.#size; object++) this.#place(object);
    this.#placed = this.#size;
  }

  #lookup(type: number, text: string, start: number, end: number): number {
    const hash = this.#hash(type, text, start, end);
    const meta = this.#meta;
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const at = i * STRIDE;
      const stored = slots[at + 1]!;
      if (stored === 0) return -1;
      if (
        slots[at] === hash &&
        slots[at + 2] === meta &&
        this.#same(at, type, text, start, end, meta, stored - 1)
      )
        return stored - 1;
    }
  }

  /**
   * Makes room for `count` objects at once, so that a load of known size (an index snapshot's)
   * fills the table once instead of refilling it at every doubling.
   */
  reserve(count: number): void {
    let size = this.#mask + 1;
    while (count * 4 > size * 3) size *= 2;
    if (size === this.#mask + 1) return;
    this.#mask = size / 2 - 1;
    this.#grow();
  }

  /** Records object number `size` (the next one), whose key the index has just appended. */
  add(type: number, id: string, object: number): void {
    this.addKey(type, this.#keys.lengthOf(object) - id.length, object);
  }

  /** `add`, told where the id starts in the object's key (after `type:`) instead of the id. */
  addKey(type: number, prefixLength: number, object: number): void {
    if (object !== this.#size)
      throw new Error(`objects are added in order: expected ${this.#size}, got ${object}`);
    if (type >= 1 << 18) throw new Error("more than 262,144 object types in one tenant");
    if (this.#placed < this.#size) this.#placeAll();
    while (this.#prefixLengths.length <= type) this.#prefixLengths.push(-1);
    if (this.#prefixLengths[type] === -1) this.#prefixLengths[type] = prefixLength;
    if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) this.#grow();
    this.#place(object);
    this.#size++;
    this.#placed++;
  }

  /** Puts an object (already in the index's keys) into its slot. */
  #place(object: number): void {
    const type = this.#types[object]!;
    const keys = this.#keys;
    const key = keys.locate(object);
    const start = keys.from + this.#prefixLengths[type]!;
    const end = keys.to;
    const hash = this.#hash(type, key, start, end);
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hash & mask;
    while (slots[i * STRIDE + 1] !== 0) i = (i + 1) & mask;
    const at = i * STRIDE;
    slots[at] = hash;
    slots[at + 1] = object + 1;
    slots[at + 2] = this.#meta;
    const bytes = this.#bytes;
    const inline = Math.min(end - start, INLINE);
    for (let k = 0; k < inline; k++) bytes[(at + 3) * 4 + k] = key.charCodeAt(start + k) & 0xff;
  }

  /** Whether the object in the slot at `at` has the id `text[start, end)`. */
  #same(
    at: number,
    type: number,
    text: string,
    start: number,
    end: number,
    meta: number,
    object: number,
  ): boolean {
    const length = end - start;
    if (meta % META_TYPE !== LONG) {
      // Short and 8-bit: the inline bytes hold the whole id.
      const bytes = this.#bytes;
      const base = (at + 3) * 4;
      for (let k = 0; k < length; k++) if (bytes[base + k] !== text.charCodeAt(start + k)) return false;
      return true;
    }
    const keys = this.#keys;
    const key = keys.locate(object);
    const from = keys.from + this.#prefixLengths[type]!;
    if (keys.to - from !== length) return false;
    for (let k = 0; k < length; k++)
      if (key.charCodeAt(from + k) !== text.charCodeAt(start + k)) return false;
    return true;
  }

  /** Twice the slots, in place where the reserve allows, refilled from the keys. */
  #grow(): void {
    const size = (this.#mask + 1) * 2;
    const byteLength = size * SLOT_BYTES;
    if (byteLength <= this.#buffer.maxByteLength) {
      this.#buffer.resize(byteLength);
      this.#slots.fill(0);
    } else {
      this.#buffer = resizableBuffer(byteLength, Math.max(LARGE_RESERVE, byteLength * 4));
      this.#slots = new Int32Array(this.#buffer);
      this.#bytes = new Uint8Array(this.#buffer);
    }
    this.#mask = size - 1;
    for (let object = 0; object < this.#placed; object++) this.#place(object);
  }

  /**
   * FNV-1a over the type number and the id's UTF-16 code units (the id is `text[start, end)`),
   * then MurmurHash3's finaliser. Leaves the id's meta word in `#meta`: the type and the length
   * when the inline bytes settle a comparison, else `LONG`.
   */
  #hash(type: number, text: string, start: number, end: number): number {
    let h = Math.imul(0x811c9dc5 ^ type, 0x01000193);
    let wide = 0;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      wide |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    const length = end - start;
    this.#meta = type * META_TYPE + (length > INLINE || wide > 0xff ? LONG : length);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }
}
