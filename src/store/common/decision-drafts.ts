import { GatehouseError, inputError } from "../../model/errors.js";
import type { SchemaAnswer } from "../../model/schema-answer.js";
import type { NewDecision } from "../decision-records.js";
import { checkDecision, schemaAnswerText } from "./decision-rows.js";
import { UTC_TIME } from "./input-checks.js";
import { subjectRelationColumn } from "./tuples.js";

/**
 * Decision pages built while checks are answered, for the decision log. A check is added as it
 * is answered, while its request is still in the processor's cache: its names become a "shape"
 * number (tenant, types, permission, subject relation; checked once per shape), its ids are
 * checked and copied as bytes into one buffer, its answer and revision into typed arrays. Writing
 * the page later then reads only those arrays: no request object, no id string is visited again.
 * Reading them again a second later, cold, from wherever the requests lay in memory, was half of
 * what the log cost a check.
 *
 * The pages use the `v4` body (see `#page` below and `decodeShapedBody`): per page, each
 * combination of time, names and the schema that answered once, then two 16-bit words per
 * decision, then the ids in order. `v4` is `v3` (still read: pages written before the log kept
 * the schema) with a seventh field per page shape, so the schema costs nothing per decision.
 */
export const PAGE_SIZE = 1_000;

export const V3 = "v3 ";
export const V4 = "v4 ";
const UINT16 = 0xffff;
/** Page shapes are numbered below this (a page has at most PAGE_SIZE); the bit above is "allowed". */
const MAX_SHAPES = 1 << 14;
const ALLOWED_BIT = 1 << 14;
/** Name fields of a v3 page shape: time, tenant, resource type, permission, subject type, relation. */
const V3_SHAPE_FIELDS = 6;
/** A v4 page shape's: the same, then the schema that answered (`schemaAnswerText`). */
const V4_SHAPE_FIELDS = 7;
/** Schema answers remembered before the table is emptied (between two pages). */
const MAX_KNOWN_SCHEMAS = 1_000;
/** Shapes remembered across pages before the table is emptied (between two pages). */
const MAX_KNOWN_SHAPES = 10_000;
const NEWLINE = 10;
/** Shapes compared before the table is consulted, and the fields of each. */
const RECENT_SHAPES = 4;
const RECENT_FIELDS = 6;

/** Characters an object id may have (`OBJECT_ID`), by code unit. */
const ID_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_|-=+")
  ID_CHARS[c.charCodeAt(0)] = 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function littleEndian(words: Uint16Array): Buffer {
  const bytes = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
  if (!LITTLE_ENDIAN) bytes.swap16();
  return bytes;
}

declare const DRAFT: unique symbol;
/** Every draft `DecisionDrafts` made: a copy, or an object shaped like one, is not in it. */
const made = new WeakSet<object>();

/** What a page holds, bounded by its columns (times, revisions), and its body. */
export interface DecisionPageContent {
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly minRevision: number;
  readonly maxRevision: number;
  readonly body: string;
}

/**
 * A page of checked decisions numbered 0 to count - 1, waiting for the store to give it its
 * sequence numbers. Only `DecisionDrafts` makes them (the store refuses anything else), so a
 * store can write one without decoding it again.
 */
export interface DecisionPageDraft extends DecisionPageContent {
  readonly [DRAFT]: true;
}

export function isDecisionPageDraft(value: unknown): value is DecisionPageDraft {
  return typeof value === "object" && value !== null && made.has(value);
}

function draft(page: Omit<DecisionPageDraft, typeof DRAFT>): DecisionPageDraft {
  made.add(page);
  return page as DecisionPageDraft;
}

/** Refuses anything but drafts `DecisionDrafts` made (the store writes their bodies as they are). */
export function checkDrafts(drafts: readonly unknown[]): void {
  if (!Array.isArray(drafts))
    throw inputError("decision pages must be a list of drafts", { field: "drafts" });
  drafts.forEach((draft, i) => {
    if (!isDecisionPageDraft(draft))
      throw inputError("not a decision page draft: build pages with DecisionDrafts", {
        field: `drafts[${i}]`,
      });
  });
}

/** What a check asked: its resource, permission and subject. */
export type DecisionQuery = Pick<NewDecision, "resource" | "permission" | "subject">;

/** Decisions added one by one, taken as page drafts; see the top of this file. */
export class DecisionDrafts {
  #count = 0;
  /** Per decision: its shape, time (ISO text), answer, revision, and where its ids end in `#bytes`. */
  #shapes = new Uint32Array(1024);
  #times = new Uint32Array(1024);
  /** The times the decisions name, each once (`#times` holds indexes into it). */
  #timeTexts: string[] = [];
  #allowed = new Uint8Array(1024);
  #revisions = new Float64Array(1024);
  #idEnds = new Uint32Array(1024);
  /** Per decision: the schema that answered, an index into `#schemaTexts` (0: not given). */
  #schemas = new Uint32Array(1024);
  #schemaTexts: string[] = [""];
  #schemaNumbers = new Map<string, number>([["", 0]]);
  /** The last schema answer object seen and its number: a check path passes the same one again. */
  #lastSchema: SchemaAnswer | undefined;
  #lastSchemaNumber = 0;
  /** Each decision's resource id and subject id, each followed by a newline, as Latin-1 bytes. */
  #bytes = new Uint8Array(1 << 16);
  #byteLength = 0;
  /** shape number → [tenant, resource type, permission, subject type, subject relation column]. */
  #shapeNames: string[][] = [];
  #shapeNumbers = new Map<string, number>();
  /** Recent shapes: tenant, resource type, permission, subject type, relation, number; see `#shapeOf`. */
  #recent: (string | number | undefined)[] = [];
  /** The last time found valid, and its index in `#timeTexts`: checks in one millisecond share it. */
  #lastAt: string | undefined;
  #lastTime = 0;

  get count(): number {
    return this.#count;
  }

  /**
   * Adds a decision; a decision the store could not hold (a library caller's odd object id) is
   * not added, and the error says why, naming the field as `decisions[index]`. `schema`: which
   * schema answered (absent: not known, as for records of an older log).
   */
  add(
    at: string,
    tenant: string,
    query: DecisionQuery,
    allowed: boolean,
    revision: number,
    schema?: SchemaAnswer,
    index = this.#count,
  ): GatehouseError | undefined {
    const resource = query?.resource;
    const subject = query?.subject;
    if (
      typeof resource !== "object" ||
      resource === null ||
      typeof subject !== "object" ||
      subject === null ||
      (at !== this.#lastAt && !(typeof at === "string" && UTC_TIME.test(at))) ||
      typeof allowed !== "boolean" ||
      !Number.isSafeInteger(revision) ||
      revision < 0
    )
      return refusal(
        { at, tenant, resource, permission: query?.permission, subject, allowed, revision },
        index,
      );
    if (at !== this.#lastAt) {
      this.#lastAt = at;
      this.#lastTime = this.#timeTexts.push(at) - 1;
    }
    // The ids are checked as they are copied; a bad one leaves the copy unused.
    const afterResource = this.#copyId(resource.id, this.#byteLength, false);
    const afterSubject = afterResource < 0 ? -1 : this.#copyId(subject.id, afterResource, true);
    if (afterSubject < 0)
      return refusal(
        { at, tenant, resource, permission: query.permission, subject, allowed, revision },
        index,
      );
    const shape = this.#shapeOf(tenant, query);
    if (typeof shape !== "number") return shape;
    // The answer objects are made once per schema version and per rollout: one comparison.
    let schemaNumber = this.#lastSchemaNumber;
    if (schema !== this.#lastSchema) {
      const known = this.#schemaNumberOf(schema, index);
      if (typeof known !== "number") return known;
      schemaNumber = known;
    }
    const n = this.#count;
    if (n === this.#shapes.length) this.#grow();
    this.#shapes[n] = shape;
    this.#times[n] = this.#lastTime;
    this.#allowed[n] = allowed ? 1 : 0;
    this.#revisions[n] = revision;
    this.#byteLength = afterSubject;
    this.#idEnds[n] = afterSubject;
    this.#schemas[n] = schemaNumber;
    this.#count = n + 1;
    return undefined;
  }

  /** The number of a schema answer, checking one never seen before. */
  #schemaNumberOf(schema: SchemaAnswer | undefined, index: number): number | GatehouseError {
    const text = schemaAnswerText(schema);
    if (text === "" && schema !== undefined) {
      // The message `checkDecision` gives for it.
      return inputError(
        "invalid decision record: schema must be `{version: N}` (N 0 or more) or `{candidate: CHANGE_ID}`",
        { field: `decisions[${index}].schema` },
      );
    }
    let number = this.#schemaNumbers.get(text);
    if (number === undefined) {
      number = this.#schemaTexts.push(text) - 1;
      this.#schemaNumbers.set(text, number);
    }
    this.#lastSchema = schema;
    this.#lastSchemaNumber = number;
    return number;
  }

  /** The shape number of a decision's names, checking names never seen before. */
  #shapeOf(tenant: string, query: DecisionQuery): number | GatehouseError {
    const relation = query.subject.relation;
    const resourceType = query.resource.type;
    const permission = query.permission;
    const subjectType = query.subject.type;
    // The shapes met last, newest first, `RECENT_FIELDS` entries each: checks alternate among a
    // few (`view` and `edit` of one type), and comparing a few strings costs less than a lookup.
    const recent = this.#recent;
    for (let at = 0; at < recent.length; at += RECENT_FIELDS) {
      if (
        recent[at] === tenant &&
        recent[at + 1] === resourceType &&
        recent[at + 2] === permission &&
        recent[at + 3] === subjectType &&
        recent[at + 4] === relation
      )
        return recent[at + 5] as number;
    }
    const column = typeof relation === "string" ? subjectRelationColumn(relation) : relation;
    const key = `${tenant}\n${resourceType}\n${permission}\n${subjectType}\n${column}`;
    let shape = this.#shapeNumbers.get(key);
    if (shape === undefined) {
      // Every field once, with the full record check and its message.
      const error = refusal(
        {
          at: this.#lastAt ?? "",
          tenant,
          resource: query.resource,
          permission,
          subject: query.subject,
          allowed: true,
          revision: 0,
        },
        this.#count,
      );
      if (error !== undefined) return error;
      shape = this.#shapeNames.length;
      this.#shapeNames.push([tenant, resourceType, permission, subjectType, subjectRelationColumn(relation)]);
      this.#shapeNumbers.set(key, shape);
    }
    recent.unshift(tenant, resourceType, permission, subjectType, relation, shape);
    if (recent.length > RECENT_SHAPES * RECENT_FIELDS) recent.length = RECENT_SHAPES * RECENT_FIELDS;
    return shape;
  }

  /**
   * Appends an id and a newline to `#bytes` if it is a valid object id (`OBJECT_ID`, or `*` where
   * `wildcard`), checking and copying in one pass; returns where the bytes end, or -1 (nothing
   * kept: the caller's `#byteLength` is left as it was).
   */
  #copyId(id: unknown, from: number, wildcard: boolean): number {
    if (typeof id !== "string" || id.length === 0 || id.length > 1024) return -1;
    if (from + id.length + 1 > this.#bytes.length) {
      const bytes = new Uint8Array(Math.max(this.#bytes.length * 2, from + id.length + 1));
      bytes.set(this.#bytes.subarray(0, from));
      this.#bytes = bytes;
    }
    const bytes = this.#bytes;
    let at = from;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (ID_CHARS[c] !== 1 && !(wildcard && c === 42 && id.length === 1)) return -1;
      bytes[at++] = c;
    }
    bytes[at++] = NEWLINE;
    return at;
  }

  #grow(): void {
    const size = this.#shapes.length * 2;
    const grown = <T extends Uint32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.#shapes = grown(this.#shapes, (n) => new Uint32Array(n));
    this.#times = grown(this.#times, (n) => new Uint32Array(n));
    this.#allowed = grown(this.#allowed, (n) => new Uint8Array(n));
    this.#revisions = grown(this.#revisions, (n) => new Float64Array(n));
    this.#idEnds = grown(this.#idEnds, (n) => new Uint32Array(n));
    this.#schemas = grown(this.#schemas, (n) => new Uint32Array(n));
  }

  /** Every decision added, as page drafts of up to PAGE_SIZE decisions; empties the drafts. */
  take(): DecisionPageDraft[] {
    const drafts: DecisionPageDraft[] = [];
    for (let start = 0; start < this.#count; start += PAGE_SIZE)
      drafts.push(this.#page(start, Math.min(this.#count, start + PAGE_SIZE)));
    this.#count = 0;
    this.#byteLength = 0;
    this.#timeTexts = [];
    this.#lastAt = undefined;
    if (this.#shapeNames.length > MAX_KNOWN_SHAPES) {
      this.#shapeNames = [];
      this.#shapeNumbers.clear();
      this.#recent = [];
    }
    if (this.#schemaTexts.length > MAX_KNOWN_SCHEMAS) {
      this.#schemaTexts = [""];
      this.#schemaNumbers = new Map([["", 0]]);
      this.#lastSchema = undefined;
      this.#lastSchemaNumber = 0;
    }
    return drafts;
  }

  /**
   * Decisions `from` to `to` as one page: `v4 <minRevision> <names>\n` + 16-bit words in base64 +
   * `\n` + the names + `\n` + the ids, each list joined by `\n`. The words are the number of
   * page shapes, `V4_SHAPE_FIELDS` name indexes per page shape (time, the five names, the schema
   * that answered), then two per decision: its page shape (with the allowed bit) and its
   * revision's distance from the page's smallest.
   */
  #page(from: number, to: number): DecisionPageDraft {
    const count = to - from;
    const times = this.#times;
    const texts = this.#timeTexts;
    const revisions = this.#revisions;
    let firstAt = texts[times[from]!]!;
    let lastAt = firstAt;
    let minRevision = revisions[from]!;
    let maxRevision = minRevision;
    for (let i = from + 1; i < to; i++) {
      if (times[i] !== times[i - 1]) {
        const at = texts[times[i]!]!;
        if (at < firstAt) firstAt = at;
        else if (at > lastAt) lastAt = at;
      }
      const revision = revisions[i]!;
      if (revision < minRevision) minRevision = revision;
      else if (revision > maxRevision) maxRevision = revision;
    }
    const bounds = { count, firstAt, lastAt, minRevision, maxRevision };
    if (maxRevision - minRevision > UINT16) {
      // Revisions too far apart for 16 bits (a page spanning 65,536 writes): the general form.
      return draft({ ...bounds, body: this.#generalBody(from, to) });
    }
    const names: string[] = [];
    const nameIndex = new Map<string, number>();
    const name = (text: string): number => {
      let i = nameIndex.get(text);
      if (i === undefined) {
        i = names.push(text) - 1;
        nameIndex.set(text, i);
      }
      return i;
    };
    const table: number[] = [0];
    const pageShapes = new Map<number, number>();
    const timeIndex = new Map<number, number>();
    const words = new Uint16Array(count * 2);
    let time = -1;
    let lastKey = -1;
    // Page shapes are keyed by (schema, shape, time); every part is below its bound.
    const shapeCount = this.#shapeNames.length;
    let pageShape = 0;
    for (let i = from; i < to; i++) {
      if (i === from || times[i] !== times[i - 1]) {
        let t = timeIndex.get(times[i]!);
        if (t === undefined) {
          t = timeIndex.size;
          timeIndex.set(times[i]!, t);
        }
        time = t;
      }
      const key = (this.#schemas[i]! * shapeCount + this.#shapes[i]!) * PAGE_SIZE + time;
      if (key !== lastKey) {
        lastKey = key;
        let known = pageShapes.get(key);
        if (known === undefined) {
          known = pageShapes.size;
          pageShapes.set(key, known);
          table.push(
            name(texts[times[i]!]!),
            ...this.#shapeNames[this.#shapes[i]!]!.map(name),
            name(this.#schemaTexts[this.#schemas[i]!]!),
          );
        }
        pageShape = known;
      }
      const w = (i - from) * 2;
      words[w] = pageShape | (this.#allowed[i] === 1 ? ALLOWED_BIT : 0);
      words[w + 1] = revisions[i]! - minRevision;
    }
    table[0] = pageShapes.size;
    const bytes = Buffer.concat([littleEndian(Uint16Array.from(table)), littleEndian(words)]);
    const idStart = from === 0 ? 0 : this.#idEnds[from - 1]!;
    // The ids as written, without the last newline.
    const ids = Buffer.from(
      this.#bytes.buffer,
      this.#bytes.byteOffset + idStart,
      this.#idEnds[to - 1]! - idStart - 1,
    );
    return draft({
      ...bounds,
      body: `${V4}${minRevision} ${names.length}\n${bytes.toString("base64")}\n${names.join("\n")}\n${ids.toString("latin1")}`,
    });
  }

  /**
   * The JSON body (`{"s": strings, "d": numbers, "a": schemas}`, see decision-pages.ts) of
   * decisions `from` to `to`.
   */
  #generalBody(from: number, to: number): string {
    const s: string[] = [];
    const d: number[] = [];
    const a: number[] = [];
    for (let i = from; i < to; i++) {
      const start = i === 0 ? 0 : this.#idEnds[i - 1]!;
      const ids = Buffer.from(
        this.#bytes.buffer,
        this.#bytes.byteOffset + start,
        this.#idEnds[i]! - 1 - start,
      );
      const [resourceId, subjectId] = ids.toString("latin1").split("\n");
      const [tenant, resourceType, permission, subjectType, relation] = this.#shapeNames[this.#shapes[i]!]!;
      const at =
        s.push(
          this.#timeTexts[this.#times[i]!]!,
          tenant!,
          resourceType!,
          resourceId!,
          permission!,
          subjectType!,
          subjectId!,
          relation!,
        ) - 8;
      d.push(
        i - from,
        at,
        at + 1,
        at + 2,
        at + 3,
        at + 4,
        at + 5,
        at + 6,
        at + 7,
        this.#allowed[i]!,
        this.#revisions[i]!,
      );
      a.push(s.push(this.#schemaTexts[this.#schemas[i]!]!) - 1);
    }
    return JSON.stringify({ s, d, a });
  }
}

/** The full record check's refusal of a decision, or undefined when it is valid after all. */
function refusal(
  record: Record<Exclude<keyof NewDecision, "schema">, unknown> & { schema?: unknown },
  index: number,
): GatehouseError | undefined {
  try {
    checkDecision(record as unknown as NewDecision, index);
    return undefined;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
}

/**
 * A v3 or v4 body as the general form: `FIELDS` (11) numbers per decision, indexes into `s`,
 * and for v4 `a`, each decision's schema answer (an index into `s`).
 */
export function decodeShapedBody(body: string): { s: string[]; d: number[]; a?: number[] } {
  const v4 = body.startsWith(V4);
  const shapeFields = v4 ? V4_SHAPE_FIELDS : V3_SHAPE_FIELDS;
  const header = body.indexOf("\n");
  const [minText, nameText] = body.slice(V3.length, header).split(" ");
  const minRevision = Number(minText);
  const nameCount = Number(nameText);
  const end = body.indexOf("\n", header + 1);
  const bytes = Buffer.from(body.slice(header + 1, end), "base64");
  const word = (i: number) => bytes.readUInt16LE(i * 2);
  const s = body.slice(end + 1).split("\n");
  const shapes = word(0);
  const first = 1 + shapes * shapeFields;
  const count = (bytes.length / 2 - first) / 2;
  const d: number[] = new Array(count * 11);
  const a: number[] | undefined = v4 ? new Array(count) : undefined;
  let next = nameCount;
  for (let i = 0, n = 0; i < count; i++) {
    const flags = word(first + i * 2);
    const shape = 1 + (flags & (MAX_SHAPES - 1)) * shapeFields;
    if (a !== undefined) a[i] = word(shape + 6);
    const resourceId = next++;
    const subjectId = next++;
    d[n++] = i;
    d[n++] = word(shape);
    d[n++] = word(shape + 1);
    d[n++] = word(shape + 2);
    d[n++] = resourceId;
    d[n++] = word(shape + 3);
    d[n++] = word(shape + 4);
    d[n++] = subjectId;
    d[n++] = word(shape + 5);
    d[n++] = (flags & ALLOWED_BIT) !== 0 ? 1 : 0;
    d[n++] = word(first + i * 2 + 1) + minRevision;
  }
  return a === undefined ? { s, d } : { s, d, a };
}
