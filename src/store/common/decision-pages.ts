import { inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { WILDCARD_ID } from "../../model/relationship.js";
import type { DecisionBatch, DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import { checkDecision } from "./decision-rows.js";
import { checkLimit, checkTime, UTC_TIME } from "./input-checks.js";
import { subjectRelationColumn } from "./tuples.js";

/**
 * The decision log is stored as pages of up to `PAGE_SIZE` decisions, one row each, rather than
 * one row per decision: a row per check cost the check path about a fifth of its throughput
 * (BENCHMARKS.md), a page about one percent. A page's columns bound what it holds (sequence
 * numbers, times, revisions), so that a read only decodes pages that can match; its body is a
 * text shared by both backends, made of `FIELDS` numbers per decision:
 *
 *   seqOffset, at, tenant, resourceType, resourceId, permission, subjectType, subjectId,
 *   subjectRelation, allowed, revision
 *
 * where the text fields are indexes into a list of strings (checks repeat tenants, types,
 * permissions and times), `allowed` is 0 or 1 and `seqOffset` is the record's sequence number
 * minus the page's first. Offsets are stored, not implied, so that a purge can drop the oldest
 * records of a page and the others keep their numbers. Two encodings of that body:
 *
 * - `v2` (written now; see `encodeBody`): the numbers as 16-bit words in base64 and the strings
 *   joined by newlines (no stored field can hold one). Writing JSON numbers was most of what
 *   the log cost per check once checks got fast; this is a few memory copies, and smaller.
 * - JSON (pages written before, and any page whose numbers do not fit 16 bits):
 *   `{"s": [strings...], "d": [numbers...]}`.
 */
export const PAGE_SIZE = 1_000;

export interface DecisionPage {
  /** The number offsets count from: the page's key, unchanged when a purge rewrites the page. */
  readonly baseSeq: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly minRevision: number;
  readonly maxRevision: number;
  readonly body: string;
}

/** Fields per decision in a page body's `d`. */
const FIELDS = 11;

interface PageBody {
  readonly s: string[];
  /** `FIELDS` numbers per decision, one flat list: JSON writes and reads it fastest. */
  readonly d: number[];
}

/** Characters an object id may have (`OBJECT_ID`), by code unit. */
const ID_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_|-=+")
  ID_CHARS[c.charCodeAt(0)] = 1;

/** `OBJECT_ID.test(id)` without the regular expression: a few times cheaper on short ids. */
function isObjectId(id: unknown): boolean {
  if (typeof id !== "string" || id.length === 0 || id.length > 1024) return false;
  for (let k = 0; k < id.length; k++) if (ID_CHARS[id.charCodeAt(k)] !== 1) return false;
  return true;
}

/**
 * What earlier records showed to be valid, field by field. Checks repeat a handful of tenants,
 * types and permissions and a time per millisecond, so checking a record is a few lookups in
 * small sets and the id pattern, instead of every pattern and a new error-place closure:
 * validation was half of what the log cost. The sets are shared by every store in the process
 * and emptied if they ever grow large.
 */
const known = {
  at: "",
  tenants: new Set<string>(),
  types: new Set<string>(),
  /** permissions and subject relations: the same form, which a type's `prefix/` would break */
  relations: new Set<string>(),
};
const KNOWN_MAX = 200_000;

/** Whether every field is one earlier records showed valid (or an id of the valid form). */
function knownValid(record: NewDecision): boolean {
  if (typeof record !== "object" || record === null) return false;
  const { resource, subject } = record;
  return (
    typeof record.allowed === "boolean" &&
    Number.isSafeInteger(record.revision) &&
    record.revision >= 0 &&
    record.at === known.at &&
    known.tenants.has(record.tenant) &&
    known.relations.has(record.permission) &&
    typeof resource === "object" &&
    resource !== null &&
    typeof subject === "object" &&
    subject !== null &&
    known.types.has(resource.type) &&
    known.types.has(subject.type) &&
    (subject.relation === undefined || known.relations.has(subject.relation)) &&
    isObjectId(resource.id) &&
    (subject.id === WILDCARD_ID || isObjectId(subject.id))
  );
}

/** Checks every record (a batch is all or nothing) before any page is made. */
export function checkDecisions(records: readonly NewDecision[]): void {
  for (const set of [known.tenants, known.types, known.relations]) if (set.size > KNOWN_MAX) set.clear();
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (knownValid(record)) continue;
    // The full check names the first bad field; a record that passes teaches the sets.
    checkDecision(record, i);
    learn(record);
  }
}

function learn(record: NewDecision): void {
  known.at = record.at;
  known.tenants.add(record.tenant);
  known.types.add(record.resource.type);
  known.types.add(record.subject.type);
  known.relations.add(record.permission);
  if (record.subject.relation !== undefined) known.relations.add(record.subject.relation);
}

/** Records as a batch (after `checkDecisions`). */
function recordsBatch(records: readonly NewDecision[]): DecisionBatch {
  return {
    count: records.length,
    at: records.map((r) => r.at),
    tenant: records.map((r) => r.tenant),
    query: records,
    allowed: records.map((r) => (r.allowed ? 1 : 0)),
    revision: records.map((r) => r.revision),
  };
}

/** The i-th decision of a batch as a record (for the full check's message, or to write it alone). */
export function batchRecord(batch: DecisionBatch, i: number): NewDecision {
  const query = batch.query[i]!;
  return {
    at: batch.at[i]!,
    tenant: batch.tenant[i]!,
    resource: query?.resource,
    permission: query?.permission,
    subject: query?.subject,
    allowed: batch.allowed[i] === 1 ? true : batch.allowed[i] === 0 ? false : (batch.allowed[i] as never),
    revision: batch.revision[i]!,
  };
}

/**
 * Checks a batch before any page is made, as `checkDecisions` checks records. Consecutive checks
 * mostly share their time, tenant, types and permission: a decision whose names equal the last
 * fully checked one's needs only its ids and numbers looked at.
 */
export function checkDecisionBatch(batch: DecisionBatch): void {
  for (const set of [known.tenants, known.types, known.relations]) if (set.size > KNOWN_MAX) set.clear();
  // Times change every millisecond: each new one is checked on its own, then compared.
  let at: string | undefined;
  for (let i = 0; i < batch.count; i++) {
    const query = batch.query[i];
    const subject = query?.subject;
    const revision = batch.revision[i]!;
    const allowed = batch.allowed[i];
    if (batch.at[i] !== at && typeof batch.at[i] === "string" && UTC_TIME.test(batch.at[i]!))
      at = batch.at[i];
    if (
      query !== undefined &&
      subject !== undefined &&
      batch.at[i] === at &&
      known.tenants.has(batch.tenant[i]!) &&
      known.types.has(query.resource?.type) &&
      known.relations.has(query.permission) &&
      known.types.has(subject.type) &&
      (subject.relation === undefined || known.relations.has(subject.relation)) &&
      isObjectId(query.resource.id) &&
      (subject.id === WILDCARD_ID || isObjectId(subject.id)) &&
      (allowed === 0 || allowed === 1) &&
      Number.isSafeInteger(revision) &&
      revision >= 0
    )
      continue;
    // The full check names the first bad field; a decision that passes teaches the sets.
    const record = batchRecord(batch, i);
    checkDecision(record, i);
    learn(record);
  }
}

/**
 * Encodes records numbered `firstSeq`, `firstSeq + 1`, ... into pages. The records must have
 * been checked with `checkDecisions`.
 */
export function encodePages(records: readonly NewDecision[], firstSeq: number): DecisionPage[] {
  return encodeBatchPages(recordsBatch(records), firstSeq);
}

/** `encodePages` for a batch (checked with `checkDecisionBatch`). */
export function encodeBatchPages(batch: DecisionBatch, firstSeq: number): DecisionPage[] {
  const pages: DecisionPage[] = [];
  for (let start = 0; start < batch.count; start += PAGE_SIZE) {
    const end = Math.min(batch.count, start + PAGE_SIZE);
    const base = firstSeq + start;
    pages.push(encodeBatchPage(batch, start, end, base, (i) => base + i));
  }
  return pages;
}

/**
 * Encodes records (ascending by number; `seqOf(i)` is the i-th one's) into one page whose
 * offsets count from `baseSeq`.
 */
export function encodePage(
  records: readonly NewDecision[],
  baseSeq: number,
  seqOf: (i: number) => number,
): DecisionPage {
  return encodeBatchPage(recordsBatch(records), 0, records.length, baseSeq, seqOf);
}

/** Decisions `from` to `to` (exclusive) of a batch as one page; `seqOf(i)` numbers the i-th of them. */
function encodeBatchPage(
  batch: DecisionBatch,
  from: number,
  to: number,
  baseSeq: number,
  seqOf: (i: number) => number,
): DecisionPage {
  const count = to - from;
  // Bounds first: they are the page's columns, and they decide the body's encoding.
  let firstAt = batch.at[from]!;
  let lastAt = firstAt;
  let minRevision = batch.revision[from]!;
  let maxRevision = minRevision;
  let previousAt = firstAt;
  for (let k = from + 1; k < to; k++) {
    const at = batch.at[k]!;
    if (at !== previousAt) {
      previousAt = at;
      if (at < firstAt) firstAt = at;
      else if (at > lastAt) lastAt = at;
    }
    const revision = batch.revision[k]!;
    if (revision < minRevision) minRevision = revision;
    else if (revision > maxRevision) maxRevision = revision;
  }
  // Every number of a page fits 16 bits (string indexes stay below 7 × PAGE_SIZE) unless its
  // revisions span more than 65,535 writes or a migrated page has wide gaps in its numbers.
  const compact = maxRevision - minRevision <= UINT16 && seqOf(count - 1) - baseSeq <= UINT16;
  const bounds = {
    baseSeq,
    firstSeq: seqOf(0),
    lastSeq: seqOf(count - 1),
    count,
    firstAt,
    lastAt,
    minRevision,
    maxRevision,
  };
  // Numbered without gaps (every new page): the short form, if its names fit.
  if (compact && bounds.firstSeq === baseSeq && bounds.lastSeq - baseSeq === count - 1) {
    const body = encodeV3(batch, from, to, minRevision);
    if (body !== undefined) return { ...bounds, body };
  }
  const numbers = compact ? new Uint16Array(count * FIELDS) : new Float64Array(count * FIELDS);
  const revisionBase = compact ? minRevision : 0;

  const strings: string[] = [];
  const index = new Map<string, number>();
  const at = (text: string): number => {
    let i = index.get(text);
    if (i === undefined) {
      i = strings.length;
      strings.push(text);
      index.set(text, i);
    }
    return i;
  };
  // Consecutive checks mostly share their time, tenant, types and permission: compare with the
  // previous decision's before hashing into the dictionary. Object ids are mostly distinct
  // within a page: appended as they come (a subject's repeated in a row once), rather than
  // hashed into the dictionary, which cost more than it saved.
  let atIndex = 0;
  let tenantIndex = 0;
  let resourceTypeIndex = 0;
  let permissionIndex = 0;
  let subjectTypeIndex = 0;
  let relationIndex = 0;
  let subjectIdIndex = 0;
  for (let i = 0, n = 0; i < count; i++) {
    const k = from + i;
    const query = batch.query[k]!;
    const subject = query.subject;
    const relation = subjectRelationColumn(subject.relation);
    const previous = i === 0 ? undefined : batch.query[k - 1]!;
    if (previous === undefined) {
      atIndex = at(batch.at[k]!);
      tenantIndex = at(batch.tenant[k]!);
      resourceTypeIndex = at(query.resource.type);
      permissionIndex = at(query.permission);
      subjectTypeIndex = at(subject.type);
      relationIndex = at(relation);
      subjectIdIndex = strings.push(subject.id) - 1;
    } else {
      if (batch.at[k] !== batch.at[k - 1]) atIndex = at(batch.at[k]!);
      if (batch.tenant[k] !== batch.tenant[k - 1]) tenantIndex = at(batch.tenant[k]!);
      if (query.resource.type !== previous.resource.type) resourceTypeIndex = at(query.resource.type);
      if (query.permission !== previous.permission) permissionIndex = at(query.permission);
      if (subject.type !== previous.subject.type) subjectTypeIndex = at(subject.type);
      if (relation !== subjectRelationColumn(previous.subject.relation)) relationIndex = at(relation);
      if (subject.id !== previous.subject.id) subjectIdIndex = strings.push(subject.id) - 1;
    }
    numbers[n++] = seqOf(i) - baseSeq;
    numbers[n++] = atIndex;
    numbers[n++] = tenantIndex;
    numbers[n++] = resourceTypeIndex;
    numbers[n++] = strings.push(query.resource.id) - 1;
    numbers[n++] = permissionIndex;
    numbers[n++] = subjectTypeIndex;
    numbers[n++] = subjectIdIndex;
    numbers[n++] = relationIndex;
    numbers[n++] = batch.allowed[k] === 1 ? 1 : 0;
    numbers[n++] = batch.revision[k]! - revisionBase;
  }
  return {
    ...bounds,
    body:
      numbers instanceof Uint16Array
        ? encodeBody(strings, numbers, minRevision)
        : JSON.stringify({ s: strings, d: Array.from(numbers) } satisfies PageBody),
  };
}

const V2 = "v2 ";
const V3 = "v3 ";
const UINT16 = 0xffff;
/** v3: shapes per page at most, and the flag bits of a decision's first word. */
const MAX_SHAPES = 1 << 14;
const ALLOWED_BIT = 1 << 14;
const SAME_SUBJECT_BIT = 1 << 15;
/** The name fields of a shape, in the order of the body's shape table. */
const SHAPE_FIELDS = 6;

/**
 * `v3 <minRevision> <names>\n` + 16-bit words in base64 + `\n` + strings joined by `\n`, for a
 * page numbered without gaps (offsets 0, 1, 2, ...). A decision's names (time, tenant, resource
 * type, permission, subject type, subject relation) repeat across a page, so a page lists each
 * combination once, a "shape", and a decision is two words: its shape (with an allowed bit and
 * a bit for "the same subject id as the decision before"), and its revision's distance from the
 * page's smallest. Its ids follow the names in the strings, in order. The words are the number of
 * shapes, `SHAPE_FIELDS` name indexes per shape, then two per decision. About half the bytes of
 * `v2` and a third of its work per decision, which is what the log costs a check.
 *
 * Undefined when the page has more than `MAX_SHAPES` shapes (then it is written as `v2`).
 */
function encodeV3(batch: DecisionBatch, from: number, to: number, minRevision: number): string | undefined {
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const name = (text: string): number => {
    let i = nameIndex.get(text);
    if (i === undefined) {
      i = names.length;
      names.push(text);
      nameIndex.set(text, i);
    }
    return i;
  };
  const shapeTable: number[] = [];
  const shapeIndex = new Map<string, number>();
  // The shapes met last, newest first, as their name strings: checks alternate between a few
  // (`view` and `edit`), and comparing strings costs less than naming a shape again.
  const recent: { names: string[]; shape: number }[] = [];
  const ids: string[] = [];
  const count = to - from;
  const words = new Uint16Array(count * 2);
  let shape = 0;
  for (let i = 0; i < count; i++) {
    const k = from + i;
    const query = batch.query[k]!;
    const subject = query.subject;
    const previous = i === 0 ? undefined : batch.query[k - 1]!;
    if (
      previous === undefined ||
      batch.at[k] !== batch.at[k - 1] ||
      batch.tenant[k] !== batch.tenant[k - 1] ||
      query.resource.type !== previous.resource.type ||
      query.permission !== previous.permission ||
      subject.type !== previous.subject.type ||
      subjectRelationColumn(subject.relation) !== subjectRelationColumn(previous.subject.relation)
    ) {
      const texts = [
        batch.at[k]!,
        batch.tenant[k]!,
        query.resource.type,
        query.permission,
        subject.type,
        subjectRelationColumn(subject.relation),
      ];
      const hit = recent.find((r) => r.names.every((text, f) => text === texts[f]));
      if (hit !== undefined) shape = hit.shape;
      else {
        const fields = texts.map(name);
        const key = fields.join(",");
        let known = shapeIndex.get(key);
        if (known === undefined) {
          known = shapeIndex.size;
          if (known >= MAX_SHAPES) return undefined;
          shapeIndex.set(key, known);
          shapeTable.push(...fields);
        }
        shape = known;
        recent.unshift({ names: texts, shape });
        if (recent.length > 4) recent.pop();
      }
    }
    ids.push(query.resource.id);
    let first = shape | (batch.allowed[k] === 1 ? ALLOWED_BIT : 0);
    if (previous !== undefined && subject.id === previous.subject.id) first |= SAME_SUBJECT_BIT;
    else ids.push(subject.id);
    words[i * 2] = first;
    words[i * 2 + 1] = batch.revision[k]! - minRevision;
  }
  const table = Uint16Array.from([shapeIndex.size, ...shapeTable]);
  const bytes = Buffer.concat([littleEndian(table), littleEndian(words)]);
  return `${V3}${minRevision} ${names.length}\n${bytes.toString("base64")}\n${names.join("\n")}\n${ids.join("\n")}`;
}

function littleEndian(words: Uint16Array): Buffer {
  const bytes = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
  if (!LITTLE_ENDIAN) bytes.swap16();
  return bytes;
}

/** A v3 body as the general form (`FIELDS` numbers per decision, indexes into `s`). */
function decodeV3(body: string): PageBody {
  const header = body.indexOf("\n");
  const [minText, nameText] = body.slice(V3.length, header).split(" ");
  const minRevision = Number(minText);
  const nameCount = Number(nameText);
  const end = body.indexOf("\n", header + 1);
  const bytes = Buffer.from(body.slice(header + 1, end), "base64");
  const word = (i: number) => bytes.readUInt16LE(i * 2);
  const s = body.slice(end + 1).split("\n");
  const shapes = word(0);
  const first = 1 + shapes * SHAPE_FIELDS;
  const count = (bytes.length / 2 - first) / 2;
  const d: number[] = new Array(count * FIELDS);
  let next = nameCount;
  let subjectId = -1;
  for (let i = 0, n = 0; i < count; i++) {
    const flags = word(first + i * 2);
    const shape = 1 + (flags & (MAX_SHAPES - 1)) * SHAPE_FIELDS;
    const resourceId = next++;
    if ((flags & SAME_SUBJECT_BIT) === 0) subjectId = next++;
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
  return { s, d };
}

/**
 * `v2 <minRevision>\n` + the numbers as little-endian uint16, base64 (the revision as its
 * distance from the page's smallest) + `\n` + the strings joined by `\n`. A page whose numbers
 * do not fit 16 bits is written as JSON (see `encodeBatchPage`).
 */
function encodeBody(strings: string[], words: Uint16Array, minRevision: number): string {
  const bytes = littleEndian(words);
  return `${V2}${minRevision}\n${bytes.toString("base64")}\n${strings.join("\n")}`;
}

function decodeBody(body: string): PageBody {
  if (body.startsWith(V3)) return decodeV3(body);
  if (!body.startsWith(V2)) return JSON.parse(body) as PageBody;
  const header = body.indexOf("\n");
  const minRevision = Number(body.slice(V2.length, header));
  const end = body.indexOf("\n", header + 1);
  const bytes = Buffer.from(body.slice(header + 1, end), "base64");
  const numbers: number[] = new Array(bytes.length >>> 1);
  for (let i = 0; i < numbers.length; i++) {
    const value = bytes.readUInt16LE(i * 2);
    numbers[i] = i % FIELDS === FIELDS - 1 ? value + minRevision : value;
  }
  return { s: body.slice(end + 1).split("\n"), d: numbers };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The records of one page, in sequence order. */
export function decodePage(baseSeq: number, body: string): DecisionRecord[] {
  const { s, d } = decodeBody(body);
  const records: DecisionRecord[] = new Array(d.length / FIELDS);
  for (let i = 0, n = 0; n < d.length; i++, n += FIELDS) {
    const relation = s[d[n + 8]!]!;
    const type = s[d[n + 6]!]!;
    const id = s[d[n + 7]!]!;
    records[i] = {
      seq: baseSeq + d[n]!,
      at: s[d[n + 1]!]!,
      tenant: s[d[n + 2]!]!,
      resource: { type: s[d[n + 3]!]!, id: s[d[n + 4]!]! },
      permission: s[d[n + 5]!]!,
      subject: relation === "" ? { type, id } : { type, id, relation },
      allowed: d[n + 9] === 1,
      revision: d[n + 10]!,
    };
  }
  return records;
}

function checkRevisionBound(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw inputError(`invalid ${field} \`${value}\`: expected a whole number, 0 or more`, { field });
  }
  return value;
}

/** Refuses a malformed filter before anything is read, naming the field. */
export function checkDecisionFilter(filter: DecisionFilter): void {
  if (filter.tenant !== undefined) checkTenant(filter.tenant, { field: "tenant" });
  if (filter.allowed !== undefined && typeof filter.allowed !== "boolean")
    throw inputError("invalid allowed: expected true or false", { field: "allowed" });
  if (filter.since !== undefined) checkTime(filter.since, "since");
  if (filter.until !== undefined) checkTime(filter.until, "until");
  if (filter.fromRevision !== undefined) checkRevisionBound(filter.fromRevision, "fromRevision");
  if (filter.toRevision !== undefined) checkRevisionBound(filter.toRevision, "toRevision");
  if (filter.afterSeq !== undefined) checkRevisionBound(filter.afterSeq, "afterSeq");
  if (filter.limit !== undefined) checkLimit(filter.limit, "limit");
}

/**
 * The page-level part of a filter, as conditions on a page's bounds (`?`-free: the caller adds
 * its placeholders). Times compare as text, as UTC ISO times sort; `since` is inclusive and
 * `until` exclusive, revision bounds both inclusive.
 */
export function pageConditions(filter: DecisionFilter): { column: string; op: string; value: unknown }[] {
  const conditions: { column: string; op: string; value: unknown }[] = [];
  if (filter.afterSeq !== undefined) conditions.push({ column: "last_seq", op: ">", value: filter.afterSeq });
  if (filter.since !== undefined) conditions.push({ column: "last_at", op: ">=", value: filter.since });
  if (filter.until !== undefined) conditions.push({ column: "first_at", op: "<", value: filter.until });
  if (filter.fromRevision !== undefined)
    conditions.push({ column: "max_revision", op: ">=", value: filter.fromRevision });
  if (filter.toRevision !== undefined)
    conditions.push({ column: "min_revision", op: "<=", value: filter.toRevision });
  return conditions;
}

/** Whether one record matches the whole filter (`limit` aside). */
export function matchesDecision(record: DecisionRecord, filter: DecisionFilter): boolean {
  if (filter.afterSeq !== undefined && record.seq <= filter.afterSeq) return false;
  if (filter.tenant !== undefined && record.tenant !== filter.tenant) return false;
  if (filter.permission !== undefined && record.permission !== filter.permission) return false;
  if (filter.allowed !== undefined && record.allowed !== filter.allowed) return false;
  if (
    filter.resource !== undefined &&
    (record.resource.type !== filter.resource.type || record.resource.id !== filter.resource.id)
  )
    return false;
  if (
    filter.subject !== undefined &&
    (record.subject.type !== filter.subject.type ||
      record.subject.id !== filter.subject.id ||
      subjectRelationColumn(record.subject.relation) !== subjectRelationColumn(filter.subject.relation))
  )
    return false;
  if (filter.since !== undefined && record.at < filter.since) return false;
  if (filter.until !== undefined && !(record.at < filter.until)) return false;
  if (filter.fromRevision !== undefined && record.revision < filter.fromRevision) return false;
  if (filter.toRevision !== undefined && record.revision > filter.toRevision) return false;
  return true;
}

/** What a purge does to one page: delete it whole, keep it, or rewrite it with the younger records. */
export function purgePage(
  page: { baseSeq: number; body: string },
  olderThan: string,
): { removed: number; rewritten: DecisionPage | null | "keep" } {
  const records = decodePage(page.baseSeq, page.body);
  const kept = records.filter((record) => !(record.at < olderThan));
  const removed = records.length - kept.length;
  if (removed === 0) return { removed, rewritten: "keep" };
  if (kept.length === 0) return { removed, rewritten: null };
  return { removed, rewritten: encodePage(kept, page.baseSeq, (i) => kept[i]!.seq) };
}

/** A page's columns in the order of `decision_pages` (both stores insert them so). */
export function pageValues(page: DecisionPage): unknown[] {
  return [
    page.baseSeq,
    page.firstSeq,
    page.lastSeq,
    page.count,
    page.firstAt,
    page.lastAt,
    page.minRevision,
    page.maxRevision,
    page.body,
  ];
}
