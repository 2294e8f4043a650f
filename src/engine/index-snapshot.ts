import { createHash } from "node:crypto";
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
 *   4  u32 format version     `SNAPSHOT_FORMAT`
 *   8  u32 0                  reserved
 *   12 u32 0                  reserved
 *   16 f64 revision           the store revision the index reflected
 *   24 f64 body length
 *   32 32 bytes               SHA-256 of the body
 *   64 body: sections, each a u32 byte length, 4 bytes 0, then its bytes padded to 8:
 *      1. meta (JSON): names, counts, the conditions (caveats, expirations: few, and text),
 *         and the sizes of the three frozen parts (objects, relations, values per side)
 *      2. object keys (UTF-8 of all `type:id` keys in object order, one string)
 *      3. varints (unsigned LEB128): per object its key's length (UTF-16) and type; then the
 *         edges (per object: relations, then per relation its slot and both lists), the
 *         userset parents (the same, one list), the reverse lists (the same, one relation of
 *         slot 0 per object that has a list). A list is a header (0 absent, 1 one number, else
 *         length * 4 + 2 for an array, + 3 for a Set) and its numbers: object numbers, or edge
 *         keys (`edgeKey`, above 32 bits).
 *
 * The parts are the index's frozen typed arrays (frozen-entries.ts), and the sizes in the meta
 * let the reader allocate them once and fill them straight from the varints.
 */

/**
 * Bumped whenever the layout or the meaning of a field changes; other versions are refused.
 * 2: the sizes of the frozen parts in the meta; the reverse lists written as one-sided entries.
 */
export const SNAPSHOT_FORMAT = 2;

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

/**
 * Unsigned LEB128 numbers, 7 bits a byte: object numbers, slots and list headers are small, so a
 * snapshot is half the size of one in 32- and 64-bit words, and so is the memory a load holds.
 */
class Varints {
  #data = new Uint8Array(1 << 20);
  length = 0;

  push(value: number): void {
    if (this.length + 8 > this.#data.length) {
      const grown = new Uint8Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    const data = this.#data;
    let v = value;
    // Edge keys exceed 32 bits: those bytes are taken off by division, the rest by shifts.
    while (v >= 0x80000000) {
      data[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v >= 0x80) {
      data[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    data[this.length++] = v;
  }

  view(): Uint8Array {
    return this.#data.subarray(0, this.length);
  }
}

/**
 * Frozen entries as varints: per object how many relations, then per relation its slot and per
 * side a list header (absent, one number, or the length of an array or a set, times 4, plus the
 * kind) and the list's values.
 */
function writeFrozen(out: Varints, frozen: FrozenEntries): void {
  const sides = frozen.values.length;
  out.push(frozen.objects);
  for (let object = 0; object < frozen.objects; object++) {
    const from = frozen.objectStarts[object]!;
    const to = frozen.objectStarts[object + 1]!;
    out.push(to - from);
    for (let r = from; r < to; r++) {
      out.push(frozen.slots[r]!);
      for (let side = 0; side < sides; side++) {
        const kind = frozen.kinds[side]![r]!;
        const start = frozen.listStarts[side]![r]!;
        const end = frozen.listStarts[side]![r + 1]!;
        out.push(kind === ABSENT || kind === KIND_NUMBER ? kind : (end - start) * 4 + kind);
        const values = frozen.values[side]!;
        for (let i = start; i < end; i++) out.push(values[i]!);
      }
    }
  }
}

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
  readonly size: number;
  readonly objects: number;
  readonly conditions: readonly ConditionRow[];
  /** The sizes of the frozen edges, userset parents and reverse lists. */
  readonly frozen: readonly [FrozenCounts, FrozenCounts, FrozenCounts];
}

/**
 * The snapshot of `data` as it is now, at `revision`. Synchronous, so that no write can come
 * between the index and the revision it is said to reflect.
 */
export function encodeSnapshot(data: DataIndex, revision: number): Uint8Array {
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
    size: parts.size,
    objects: parts.objectKeys.length,
    conditions,
    frozen: [parts.edges.counts, parts.usersetParents.counts, parts.reverse.counts],
  };
  const numbers = new Varints();
  for (let object = 0; object < parts.objectKeys.length; object++) {
    numbers.push(parts.objectKeys[object]!.length);
    numbers.push(parts.objectTypes[object]!);
  }
  writeFrozen(numbers, parts.edges);
  writeFrozen(numbers, parts.usersetParents);
  writeFrozen(numbers, parts.reverse);

  const encoder = new TextEncoder();
  const sections: Uint8Array[] = [
    encoder.encode(JSON.stringify(meta)),
    encoder.encode(parts.objectKeys.join("")),
    numbers.view(),
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
  out.set(checksum(out.subarray(HEADER_BYTES)), 32);
  return out;
}

/**
 * The index a snapshot holds, or `SnapshotRefused` saying why not (not a snapshot, another
 * format version, truncated, corrupt). Edges whose expiration is at or before `now` (ms) are left
 * out, as a load from the store's rows leaves them out: the store may have collected them since.
 */
export function decodeSnapshot(bytes: Uint8Array, now: number): DecodedSnapshot {
  if (bytes.byteLength < HEADER_BYTES)
    throw new SnapshotRefused(
      `truncated: ${bytes.byteLength} bytes, shorter than the ${HEADER_BYTES}-byte header`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SnapshotRefused("not an index snapshot (no GHIX magic)");
  const format = view.getUint32(4, true);
  if (format !== SNAPSHOT_FORMAT)
    throw new SnapshotRefused(`format version ${format}; this Gatehouse reads version ${SNAPSHOT_FORMAT}`);
  const revision = view.getFloat64(16, true);
  const bodyLength = view.getFloat64(24, true);
  if (bytes.byteLength !== HEADER_BYTES + bodyLength)
    throw new SnapshotRefused(
      `truncated: the header says ${HEADER_BYTES + bodyLength} bytes, there are ${bytes.byteLength}`,
    );
  const sum = checksum(bytes.subarray(HEADER_BYTES));
  const recorded = bytes.subarray(32, HEADER_BYTES);
  for (let i = 0; i < sum.length; i++)
    if (sum[i] !== recorded[i]) throw new SnapshotRefused("checksum mismatch: the snapshot is corrupt");
  try {
    return readBody(bytes, revision, now);
  } catch (error) {
    // The checksum matched, so only a writer's bug gets here; say so rather than crash a load.
    throw new SnapshotRefused(`malformed body: ${(error as Error).message}`);
  }
}

function readBody(bytes: Uint8Array, revision: number, now: number): DecodedSnapshot {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = HEADER_BYTES;
  const section = (): Uint8Array => {
    if (at + 8 > bytes.byteLength) throw new Error("a section is missing");
    const length = view.getUint32(at, true);
    const start = at + 8;
    if (start + length > bytes.byteLength) throw new Error("a section runs past the end");
    at = start + padded(length);
    return bytes.subarray(start, start + length);
  };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const meta = JSON.parse(decoder.decode(section())) as Meta;
  const allKeys = decoder.decode(section());
  const reader = new ListReader(section());
  if (at !== bytes.byteLength) throw new Error("data after the last section");

  const objectKeys = new Array<string>(meta.objects);
  const objectTypes = new Array<number>(meta.objects);
  let start = 0;
  for (let object = 0; object < meta.objects; object++) {
    const end = start + reader.int();
    if (end > allKeys.length) throw new Error("object keys run past their section");
    objectKeys[object] = allKeys.slice(start, end);
    objectTypes[object] = reader.int();
    start = end;
  }
  if (start !== allKeys.length) throw new Error("object keys left over");

  const [edgeCounts, parentCounts, reverseCounts] = meta.frozen;
  const edges = reader.frozen(edgeCounts, EDGES_WIDE);
  const usersetParents = reader.frozen(parentCounts, PARENTS_WIDE);
  const reverse = reader.frozen(reverseCounts, REVERSE_WIDE);
  if (!reader.done) throw new Error("data after the last list");

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

/** Reads the varints in the order `encodeSnapshot` wrote them. */
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

function checksum(body: Uint8Array): Uint8Array {
  return createHash("sha256").update(body).digest();
}
