/**
 * object number → `type:id`: an index's object keys. Those an index snapshot brought stay in the
 * one string the snapshot held them in (`adopt`), each cut out as a string of its own only when
 * it is first asked for: at a million relationships a snapshot has about 375,000 keys, and
 * cutting them all at the load made as many small strings, which the young generation's
 * collections then copied twice (0.1-0.3 s of a cold CLI command, which asks for two or three).
 * Keys added later are strings of their own from the start.
 *
 * `locate` reads a key where it is, without a string for it: the id table (object-ids.ts) hashes
 * and compares keys that way.
 */
export class ObjectKeys {
  /** object → its key, once it is a string of its own (always, for objects added). */
  readonly #keys: (string | undefined)[];
  /** The adopted keys, one after another, and where each ends (`#ends[object]`). */
  #text = "";
  #ends: Int32Array = new Int32Array(0);
  /** Where the key `locate` found last starts and ends in the string it returned. */
  from = 0;
  to = 0;

  constructor(keys: (string | undefined)[] = []) {
    this.#keys = keys;
  }

  /**
   * Keys of objects `0 … ends.length - 1`, given as one string and where each key ends in it (an
   * index snapshot's). The keys must be empty before.
   */
  static adopt(text: string, ends: Int32Array): ObjectKeys {
    if (ends.length > 0 && ends[ends.length - 1] !== text.length)
      throw new Error("object keys that do not end where their text does");
    // A holey array of that length (one allocation), filled as keys are asked for.
    const keys = new ObjectKeys(new Array<string | undefined>(ends.length));
    keys.#text = text;
    keys.#ends = ends;
    return keys;
  }

  get length(): number {
    return this.#keys.length;
  }

  /** The key of `object` (which must exist). */
  get(object: number): string {
    const key = this.#keys[object];
    if (key !== undefined) return key;
    if (object >= this.#ends.length || object < 0) throw new RangeError(`no object ${object}`);
    const cut = this.#text.slice(object === 0 ? 0 : this.#ends[object - 1]!, this.#ends[object]!);
    this.#keys[object] = cut;
    return cut;
  }

  /** Appends the key of the next object. */
  push(key: string): void {
    this.#keys.push(key);
  }

  /** The length of the key of `object`. */
  lengthOf(object: number): number {
    const key = this.#keys[object];
    if (key !== undefined) return key.length;
    return this.#ends[object]! - (object === 0 ? 0 : this.#ends[object - 1]!);
  }

  /**
   * The string that holds the key of `object`, the key being its characters `from` to `to`
   * (set here): the key itself, or the adopted keys' text. No string is made.
   */
  locate(object: number): string {
    const key = this.#keys[object];
    if (key !== undefined) {
      this.from = 0;
      this.to = key.length;
      return key;
    }
    this.from = object === 0 ? 0 : this.#ends[object - 1]!;
    this.to = this.#ends[object]!;
    return this.#text;
  }

  /** Every key, in object order (for a snapshot): the keys not cut out yet are not kept. */
  all(): string[] {
    const all = new Array<string>(this.length);
    for (let object = 0; object < all.length; object++) {
      const source = this.locate(object);
      all[object] = source === this.#text ? source.slice(this.from, this.to) : source;
    }
    return all;
  }
}
