/**
 * A map from non-negative integer keys (below 2^53) to a value (0 to 2^32 - 1), cleared in
 * constant time and without allocating: the evaluator clears its per-subject tables on almost
 * every check, and a `Map` allocates a new backing table on each `clear()` and as it grows, which
 * showed up as garbage-collection time on the check path. Open addressing with linear probing;
 * an entry is live when its stamp equals the current epoch, so `clear()` only moves the epoch.
 */
export class StepTable {
  #keys: Float64Array;
  #values: Uint32Array;
  #stamps: Uint32Array;
  #mask: number;
  #epoch = 1;
  #size = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.#keys = new Float64Array(size);
    this.#values = new Uint32Array(size);
    this.#stamps = new Uint32Array(size);
    this.#mask = size - 1;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
    this.#epoch++;
    if (this.#epoch === 0xffffffff) {
      // Once in four billion clears: stamps from the previous round could look live again.
      this.#stamps.fill(0);
      this.#epoch = 1;
    }
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const stamps = this.#stamps;
    const keys = this.#keys;
    const epoch = this.#epoch;
    let i = slotOf(key) & this.#mask;
    while (stamps[i] === epoch) {
      if (keys[i] === key) return this.#values[i]!;
      i = (i + 1) & this.#mask;
    }
    return -1;
  }

  has(key: number): boolean {
    return this.get(key) !== -1;
  }

  set(key: number, value: number): void {
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    const stamps = this.#stamps;
    const keys = this.#keys;
    const epoch = this.#epoch;
    let i = slotOf(key) & this.#mask;
    while (stamps[i] === epoch) {
      if (keys[i] === key) {
        this.#values[i] = value;
        return;
      }
      i = (i + 1) & this.#mask;
    }
    stamps[i] = epoch;
    keys[i] = key;
    this.#values[i] = value;
    this.#size++;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const stamps = this.#stamps;
    const epoch = this.#epoch;
    const size = (this.#mask + 1) * 2;
    this.#keys = new Float64Array(size);
    this.#values = new Uint32Array(size);
    this.#stamps = new Uint32Array(size);
    this.#mask = size - 1;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (stamps[i] === epoch) this.set(keys[i]!, values[i]!);
  }
}

/** Mixes both halves of a key below 2^53 into a 32-bit slot number (MurmurHash3's finaliser). */
function slotOf(key: number): number {
  let h = (key >>> 0) ^ Math.imul((key / 4294967296) >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
