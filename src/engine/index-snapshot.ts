import { createHash } from "node:crypto";
import zlib from "node:zlib";
import type { RelationshipCaveat } from "../model/relationship.js";
import { DataIndex } from "./data-index.js";
import type { EdgeCondition } from "./edge-conditions.js";
import {
  ABSENT,
  type FrozenCounts,
  FrozenEntries,
  FrozenWriter,
  KIND_ARRAY,
  KIND_NUMBER,
  KIND_SET,
} from "./frozen-entries.js";
import { ObjectKeys } from "./object-keys.js";

/**
 * One tenant's index as bytes, at a store revision: what a process loads instead of rebuilding
 * the index from the store's rows (7-9 s and a third of a gigabyte of garbage at a million
 * relationships, nearly all of it a JavaScript object per row and per string). A snapshot holds
 * the index's own numbers, lists and names (`DataIndex.parts`), so reading it back is typed-array
 * reads and one list per edge key, never a name lookup per relationship; and it is exact: the
 * same object numbers, lists and conditions, so the restored index answers as the one written.
 *
 * The index knows nothing of the schema (names are interned), so a snapshot stays valid across
 * schema writes and carries no schema version.
 *
 * Layout (little-endian), the header then the body:
 *
 *   0  "GHIX"                 magic
 *   4  u32 format version     `SNAPSHOT_FORMAT` (`READABLE_FORMATS` are read)
 *   8  u32 0                  reserved
 *   12 u32 0                  reserved
 *   16 f64 revision           the store revision the index reflected
 *   24 f64 body length
 *   32 32 bytes               the body's checksum: format 3, its CRC-32 (u32) then 28 bytes 0;
 *                             format 2, its SHA-256
 *   64 body: sections, each a u32 byte length, 4 bytes 0, then its bytes padded to 8 (so a
 *      section starts 8-aligned when the snapshot does):
 *      1. meta (JSON): names, counts, the conditions (caveats, expirations: few, and text),
 *         the sizes of the three frozen parts (objects, relations, values per side), and
 *         (format 3) each type's wildcard object
 *      2. object keys (UTF-8 of all `type:id` keys in object order, one string)
 *      format 3, the index's own arrays, byte for byte:
 *      3. i32 per object: where its key ends in section 2 (in UTF-16 units); 4. i32 per
 *         object: its type
 *      5. the edges, then the userset parents, then the reverse lists, each as its frozen
 *         arrays (`FrozenEntries`): object starts (i32), slots (i32), then per side list
 *         starts (i32), kinds (u8) and values (i32 object numbers, or f64 edge keys)
 *      format 2 instead: 3. varints (unsigned LEB128): per object its key's length and type;
 *         then the edges (per object: relations, then per relation its slot and both lists),
 *         the userset parents (the same, one list), the reverse lists (the same, one relation
 *         of slot 0 per object that has a list). A list is a header (0 absent, 1 one number,
 *         else length * 4 + 2 for an array, + 3 for a Set) and its numbers.
 *
 * Format 3 is read without a loop over its numbers: each array is a view of the snapshot's
 * bytes (a copy where they are not aligned for it), where decoding format 2's nine million
 * varints at a million relationships was a third of a cold CLI command, most of it before the
 * JIT had compiled the loop. Its file is about twice the size (35 MB at a million
 * relationships), and a load holds no more: the arrays are the file's bytes. Format 2 is still
 * read (a store's snapshot from before) and no longer written.
 *
 * Typed arrays are in the platform's byte order; Node runs little-endian everywhere but s390x,
 * where format 3 is refused (loaded from rows) and not written.
 */

/**
 * Bumped whenever the layout or the meaning of a field changes; versions not in
 * `READABLE_FORMATS` are refused.
 * 2: the sizes of the frozen parts in the meta; the reverse lists written as one-sided entries.
 * 3: the arrays of the index as they are in memory instead of varints.
 */
export const SNAPSHOT_FORMAT = 3;

/** The formats this Gatehouse reads: its own and format 2 (varints). */
export const READABLE_FORMATS: readonly number[] = [2, 3];

/** Whether typed arrays here are little-endian, as format 3 writes them. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const MAGIC = 0x58494847; // "GHIX" read as a little-endian u32
const HEADER_BYTES = 64;

/** Why a snapshot was not used: it is ignored, and the index is built from the store's rows. */
export class SnapshotRefused extends Error {
  constructor(reason: string) {
    super(`index snapshot refused: ${reason}`);
    this.name = "SnapshotRefused";
  }
}

/** A decoded snapshot: the index and the revision it reflects. */
export interface DecodedSnapshot {
  readonly revision: number;
  readonly data: DataIndex;
  /** Edges left out because they had expired by `now` (a load from rows leaves them out too). */
  readonly expired: number;
}

/** Per side, whether its values are edge keys (doubles): edges, userset parents, reverse lists. */
const EDGES_WIDE = [false, true];
const PARENTS_WIDE = [false];
const REVERSE_WIDE = [true];

/** A condition as the meta section keeps it: side, edge key, subject value, caveat, expiration. */
type ConditionRow = [
  0 | 1,
  number,
  number,
  string | null,
  RelationshipCaveat["context"] | null,
  string | null,
];

interface Meta {
  readonly typeNames: readonly string[];
  readonly relationNames: readonly string[];
  readonly usersetSubjectTypes: readonly number[];
  /** Format 3: type number → its wildcard object, or -1 (format 2 finds them in the keys). */
  readonly wildcards?: readonly number[];
  readonly size: number;
  readonly objects: number;
  readonly conditions: readonly ConditionRow[];
  /** The sizes of the frozen edges, userset parents and reverse lists. */
  readonly frozen: readonly [FrozenCounts, FrozenCounts, FrozenCounts];
}

/** The bytes of a typed array, as they are in memory. */
const bytesOf = (array: ArrayBufferView): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** Format 3's arrays of frozen entries, in the order the reader takes them (see the layout). */
function frozenSections(frozen: FrozenEntries): Uint8Array[] {
  const sections = [bytesOf(frozen.objectStarts), bytesOf(frozen.slots)];
  for (let side = 0; side < frozen.values.length; side++)
    sections.push(
      bytesOf(frozen.listStarts[side]!),
      bytesOf(frozen.kinds[side]!),
      bytesOf(frozen.values[side]!),
    );
  return sections;
}

/**
 * The snapshot of `data` as it is now, at `revision`. Synchronous, so that no write can come
 * between the index and the revision it is said to reflect.
 */
export function encodeSnapshot(data: DataIndex, revision: number): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error("index snapshots are written on little-endian platforms only");
  const parts = data.parts();
  const conditions: ConditionRow[] = [];
  for (const [side, entries] of [
    [0, parts.directConditions],
    [1, parts.usersetConditions],
  ] as const) {
    for (const [key, value, condition] of entries) {
      conditions.push([
        side,
        key,
        value,
        condition.caveat?.name ?? null,
        condition.caveat?.context ?? null,
        condition.expiresAt ?? null,
      ]);
    }
  }
  const meta: Meta = {
    typeNames: parts.typeNames,
    relationNames: parts.relationNames,
    usersetSubjectTypes: Array.from(parts.usersetSubjectTypes, (flag) => flag ?? 0),
    wildcards: parts.wildcardOf,
    size: parts.size,
    objects: parts.objectKeys.length,
    conditions,
    frozen: [parts.edges.counts, parts.usersetParents.counts, parts.reverse.counts],
  };
  const objects = parts.objectKeys.length;
  const keyEnds = new Int32Array(objects);
  const objectTypes = new Int32Array(objects);
  for (let object = 0, end = 0; object < objects; object++) {
    end += parts.objectKeys[object]!.length;
    keyEnds[object] = end;
    objectTypes[object] = parts.objectTypes[object]!;
  }

  const encoder = new TextEncoder();
  const sections: Uint8Array[] = [
    encoder.encode(JSON.stringify(meta)),
    encoder.encode(parts.objectKeys.join("")),
    bytesOf(keyEnds),
    bytesOf(objectTypes),
    ...frozenSections(parts.edges),
    ...frozenSections(parts.usersetParents),
    ...frozenSections(parts.reverse),
  ];
  let bodyLength = 0;
  for (const section of sections) bodyLength += 8 + padded(section.byteLength);
  const out = new Uint8Array(HEADER_BYTES + bodyLength);
  const view = new DataView(out.buffer);
  let at = HEADER_BYTES;
  for (const section of sections) {
    view.setUint32(at, section.byteLength, true);
    out.set(section, at + 8);
    at += 8 + padded(section.byteLength);
  }
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SNAPSHOT_FORMAT, true);
  view.setFloat64(16, revision, true);
  view.setFloat64(24, bodyLength, true);
  out.set(checksum(SNAPSHOT_FORMAT, out.subarray(HEADER_BYTES)), 32);
  return out;
}

/**
 * The index a snapshot holds, or `SnapshotRefused` saying why not (not a snapshot, another
 * format version, truncated, corrupt). Edges whose expiration is at or before `now` (ms) are left
 * out, as a load from the store's rows leaves them out: the store may have collected them since.
 * A format-3 index's arrays may be views of `bytes`, which must not change afterwards.
 */
export function decodeSnapshot(bytes: Uint8Array, now: number): DecodedSnapshot {
  if (bytes.byteLength < HEADER_BYTES)
    throw new SnapshotRefused(
      `truncated: ${bytes.byteLength} bytes, shorter than the ${HEADER_BYTES}-byte header`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SnapshotRefused("not an index snapshot (no GHIX magic)");
  const format = view.getUint32(4, true);
  if (!READABLE_FORMATS.includes(format)) throw new SnapshotRefused(unreadableFormat(format));
  if (format === 3 && !LITTLE_ENDIAN)
    throw new SnapshotRefused("format version 3 is read on little-endian platforms only");
  const revision = view.getFloat64(16, true);
  const bodyLength = view.getFloat64(24, true);
  if (bytes.byteLength !== HEADER_BYTES + bodyLength)
    throw new SnapshotRefused(
      `truncated: the header says ${HEADER_BYTES + bodyLength} bytes, there are ${bytes.byteLength}`,
    );
  const sum = checksum(format, bytes.subarray(HEADER_BYTES));
  const recorded = bytes.subarray(32, HEADER_BYTES);
  for (let i = 0; i < sum.length; i++)
    if (sum[i] !== recorded[i]) throw new SnapshotRefused("checksum mismatch: the snapshot is corrupt");
  try {
    return readBody(bytes, format, revision, now);
  } catch (error) {
    // The checksum matched, so only a writer's bug gets here; say so rather than crash a load.
    throw new SnapshotRefused(`malformed body: ${(error as Error).message}`);
  }
}

/** Why a snapshot of another format is refused (the store's row says its format too). */
export function unreadableFormat(format: number): string {
  return `format version ${format}; this Gatehouse reads versions ${READABLE_FORMATS.join(" and ")}`;
}

/** The body's sections, in order. */
class Sections {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = HEADER_BYTES;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.#at === this.#bytes.byteLength;
  }

  next(): Uint8Array {
    const bytes = this.#bytes;
    if (this.#at + 8 > bytes.byteLength) throw new Error("a section is missing");
    const length = this.#view.getUint32(this.#at, true);
    const start = this.#at + 8;
    if (start + length > bytes.byteLength) throw new Error("a section runs past the end");
    this.#at = start + padded(length);
    return bytes.subarray(start, start + length);
  }

  /** The next section as `count` numbers of a typed array: a view of it, or a copy when unaligned. */
  array<T extends Int32Array | Float64Array | Uint8Array>(
    Type: {
      new (length: number): T;
      new (buffer: ArrayBufferLike, offset: number, length: number): T;
      readonly BYTES_PER_ELEMENT: number;
    },
    count: number,
  ): T {
    const section = this.next();
    if (section.byteLength !== count * Type.BYTES_PER_ELEMENT)
      throw new Error(`an array of ${section.byteLength} bytes where ${count} numbers were expected`);
    if (section.byteOffset % Type.BYTES_PER_ELEMENT === 0)
      return new Type(section.buffer, section.byteOffset, count);
    const copy = new Type(count);
    new Uint8Array(copy.buffer).set(section);
    return copy;
  }

  /** Format 3's frozen entries of the given sizes (see `frozenSections`). */
  frozen(counts: FrozenCounts, wide: readonly boolean[]): FrozenEntries {
    if (counts.values.length !== wide.length) throw new Error("frozen sizes of another shape");
    const objectStarts = this.array(Int32Array, counts.objects + 1);
    const slots = this.array(Int32Array, counts.relations);
    const listStarts: Int32Array[] = [];
    const kinds: Uint8Array[] = [];
    const values: (Int32Array | Float64Array)[] = [];
    for (let side = 0; side < wide.length; side++) {
      listStarts.push(this.array(Int32Array, counts.relations + 1));
      kinds.push(this.array(Uint8Array, counts.relations));
      values.push(
        wide[side]
          ? this.array(Float64Array, counts.values[side]!)
          : this.array(Int32Array, counts.values[side]!),
      );
    }
    // The ends of the ranges: what the readers rely on to stay inside the arrays.
    if (objectStarts[0] !== 0 || objectStarts[counts.objects] !== counts.relations)
      throw new Error("object ranges that do not cover the relations");
    for (let side = 0; side < wide.length; side++)
      if (listStarts[side]![0] !== 0 || listStarts[side]![counts.relations] !== values[side]!.length)
        throw new Error("list ranges that do not cover the values");
    return new FrozenEntries(objectStarts, slots, listStarts, kinds, values);
  }
}

function readBody(bytes: Uint8Array, format: number, revision: number, now: number): DecodedSnapshot {
  const sections = new Sections(bytes);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const meta = JSON.parse(decoder.decode(sections.next())) as Meta;
  const allKeys = decoder.decode(sections.next());
  let keyEnds: Int32Array;
  const objectTypes = new Array<number>(meta.objects);
  const [edgeCounts, parentCounts, reverseCounts] = meta.frozen;
  let edges: FrozenEntries;
  let usersetParents: FrozenEntries;
  let reverse: FrozenEntries;
  if (format === 2) {
    const reader = new ListReader(sections.next());
    keyEnds = new Int32Array(meta.objects);
    for (let object = 0, end = 0; object < meta.objects; object++) {
      end += reader.int();
      if (end > allKeys.length) throw new Error("object keys run past their section");
      keyEnds[object] = end;
      objectTypes[object] = reader.int();
    }
    edges = reader.frozen(edgeCounts, EDGES_WIDE);
    usersetParents = reader.frozen(parentCounts, PARENTS_WIDE);
    reverse = reader.frozen(reverseCounts, REVERSE_WIDE);
    if (!reader.done) throw new Error("data after the last list");
  } else {
    keyEnds = sections.array(Int32Array, meta.objects);
    const types = sections.array(Int32Array, meta.objects);
    for (let object = 0; object < meta.objects; object++) objectTypes[object] = types[object]!;
    edges = sections.frozen(edgeCounts, EDGES_WIDE);
    usersetParents = sections.frozen(parentCounts, PARENTS_WIDE);
    reverse = sections.frozen(reverseCounts, REVERSE_WIDE);
  }
  // The keys stay in their one string, cut out when asked for (object-keys.ts).
  if ((meta.objects === 0 ? 0 : keyEnds[meta.objects - 1]) !== allKeys.length)
    throw new Error("object keys that do not end where their section does");
  const objectKeys = ObjectKeys.adopt(allKeys, keyEnds);
  if (!sections.done) throw new Error("data after the last section");

  const directConditions: [number, number, EdgeCondition][] = [];
  const usersetConditions: [number, number, EdgeCondition][] = [];
  const expiredEdges: [0 | 1, number, number][] = [];
  for (const [side, key, value, caveatName, context, expiresAt] of meta.conditions) {
    const expiresAtMs = expiresAt === null ? undefined : Date.parse(expiresAt);
    if (expiresAtMs !== undefined && expiresAtMs <= now) {
      expiredEdges.push([side, key, value]);
      continue;
    }
    const condition: EdgeCondition = {
      caveat:
        caveatName === null
          ? undefined
          : context === null
            ? { name: caveatName }
            : { name: caveatName, context },
      expiresAt: expiresAt ?? undefined,
      expiresAtMs,
    };
    (side === 0 ? directConditions : usersetConditions).push([key, value, condition]);
  }

  const data = DataIndex.fromParts({
    typeNames: meta.typeNames,
    relationNames: meta.relationNames,
    objectKeys,
    objectTypes,
    usersetSubjectTypes: meta.usersetSubjectTypes,
    ...(format === 3 ? { wildcardOf: wildcardsOf(meta) } : {}),
    size: meta.size,
    edges,
    usersetParents,
    reverse,
    directConditions,
    usersetConditions,
  });
  for (const [side, key, value] of expiredEdges) data.removeKeyed(side === 1, key, value);
  return { revision, data, expired: expiredEdges.length };
}

/** Format 3's wildcards, one per type, each an object of the snapshot or -1. */
function wildcardsOf(meta: Meta): readonly number[] {
  const wildcards = meta.wildcards;
  if (
    !Array.isArray(wildcards) ||
    wildcards.length !== meta.typeNames.length ||
    !wildcards.every((w) => Number.isInteger(w) && w >= -1 && w < meta.objects)
  )
    throw new Error("no wildcard for each type");
  return wildcards;
}

/** Reads format 2's varints, in the order its writer wrote them. */
class ListReader {
  readonly #bytes: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get done(): boolean {
    return this.#at === this.#bytes.length;
  }

  int(): number {
    const bytes = this.#bytes;
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.#at >= bytes.length) throw new Error("the lists end early");
      const byte = bytes[this.#at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }

  /** Frozen entries of the given sizes, filled straight from the varints (see `writeFrozen`). */
  frozen(counts: FrozenCounts, wide: readonly boolean[]): FrozenEntries {
    if (counts.values.length !== wide.length) throw new Error("frozen sizes of another shape");
    const writer = new FrozenWriter(FrozenEntries.allocate(counts, wide));
    const objects = this.int();
    if (objects !== counts.objects)
      throw new Error(`${objects} objects where the meta says ${counts.objects}`);
    for (let object = 0; object < objects; object++) {
      writer.object();
      const relations = this.int();
      for (let r = 0; r < relations; r++) {
        writer.relation(this.int());
        for (let side = 0; side < wide.length; side++) {
          const header = this.int();
          const kind = header < 4 ? header : header % 4;
          if (kind === KIND_NUMBER && header !== KIND_NUMBER) throw new Error("a number list with a length");
          if (header >= 4 && kind !== KIND_ARRAY && kind !== KIND_SET)
            throw new Error(`unknown list kind ${kind}`);
          writer.list(side, kind);
          const length = kind === ABSENT ? 0 : kind === KIND_NUMBER ? 1 : Math.floor(header / 4);
          for (let i = 0; i < length; i++) writer.value(side, this.int());
        }
      }
    }
    return writer.finish();
  }
}

function padded(length: number): number {
  return (length + 7) & ~7;
}

/**
 * The 32 bytes of a body's checksum in the header. It finds damage (a disk's, a truncated copy),
 * not forgery: whoever can write a snapshot can write the store. Format 3 takes a CRC-32, which
 * zlib computes 10-15 times faster than SHA-256 here (36 MB at a million relationships), and
 * which needs no OpenSSL set up in a cold process.
 */
function checksum(format: number, body: Uint8Array): Uint8Array {
  if (format === 2) return createHash("sha256").update(body).digest();
  const sum = new Uint8Array(32);
  new DataView(sum.buffer).setUint32(0, crc32(body), true);
  return sum;
}

/** zlib's CRC-32 (Node 20.15 and later), or the same sum computed here on older versions. */
const crc32: (bytes: Uint8Array) => number =
  (zlib as { crc32?: (bytes: Uint8Array) => number }).crc32 ?? crc32Here;

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected, as zlib's), a byte at a time. */
export function crc32Here(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  const table = crcTable;
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
