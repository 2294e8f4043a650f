import { inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { sameSchemaAnswer } from "../../model/schema-answer.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import {
  DecisionDrafts,
  type DecisionPageContent,
  type DecisionPageDraft,
  decodeShapedBody,
  littleEndian,
  PAGE_SIZE,
  V3,
  V4,
} from "./decision-drafts.js";
import { checkDecision, schemaAnswerOf, schemaAnswerText } from "./decision-rows.js";
import { checkLimit, checkTime } from "./input-checks.js";
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
 * minus the page's first, and, since the log keeps it, which schema answered (`a`: one index into
 * the strings per decision, of `v7` for version 7 or `c12` for the candidate of change 12, `` when
 * not known). Four encodings of that body, all read:
 *
 * - `v4` (every new page; decision-drafts.ts): numbered without gaps, so offsets are implied;
 *   each combination of time, names and schema once per page, two 16-bit words per decision,
 *   the ids in order.
 * - `v3` (pages written before the log kept the schema): `v4` without the schema.
 * - `v2` (a page a purge rewrote, which keeps the younger records' numbers, so offsets are
 *   stored; see `encodeBody`): the numbers as 16-bit words in base64 and the strings joined by
 *   newlines (no stored field can hold one).
 * - JSON (pages written before v2, any page whose numbers do not fit 16 bits, and a page a purge
 *   rewrote whose records say which schema answered): `{"s": [strings...], "d": [numbers...]}`,
 *   and `"a": [indexes...]` when the schemas are known.
 */
export { PAGE_SIZE };

export interface DecisionPage extends DecisionPageContent {
  /** The number offsets count from: the page's key, unchanged when a purge rewrites the page. */
  readonly baseSeq: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

/** Fields per decision in a page body's `d`. */
const FIELDS = 11;

interface PageBody {
  readonly s: string[];
  /** `FIELDS` numbers per decision, one flat list: JSON writes and reads it fastest. */
  readonly d: number[];
  /** Per decision, the index in `s` of the schema that answered; absent in older pages. */
  readonly a?: number[];
}

/**
 * Checks every record (a batch is all or nothing) before any page is made, each field with its
 * message. Not on the check path: the decision log checks as it adds (`DecisionDrafts.add`, with
 * its own shortcuts); this serves `appendDecisions` (library callers, tests, migrations).
 */
export function checkDecisions(records: readonly NewDecision[]): void {
  for (let i = 0; i < records.length; i++) checkDecision(records[i]!, i);
}

/**
 * Encodes records numbered `firstSeq`, `firstSeq + 1`, ... into pages. The records must have
 * been checked with `checkDecisions`.
 */
export function encodePages(records: readonly NewDecision[], firstSeq: number): DecisionPage[] {
  let baseSeq = firstSeq;
  return draftsOf(records).map((draft) => {
    const page = numbered(draft, baseSeq);
    baseSeq += draft.count;
    return page;
  });
}

/** Checked records as page drafts (v3 bodies). */
export function draftsOf(records: readonly NewDecision[]): DecisionPageDraft[] {
  const drafts = new DecisionDrafts();
  for (let i = 0; i < records.length; i++) {
    const { at, tenant, allowed, revision, schema } = records[i]!;
    const error = drafts.add(at, tenant, records[i]!, allowed, revision, schema, i);
    if (error !== undefined) throw error;
  }
  return drafts.take();
}

/** A draft given its sequence numbers, `baseSeq` to `baseSeq + count - 1`. */
export function numbered(draft: DecisionPageDraft, baseSeq: number): DecisionPage {
  const { count, firstAt, lastAt, minRevision, maxRevision, body } = draft;
  return {
    baseSeq,
    firstSeq: baseSeq,
    lastSeq: baseSeq + count - 1,
    count,
    firstAt,
    lastAt,
    minRevision,
    maxRevision,
    body,
  };
}

/**
 * Encodes records (ascending by number; `seqOf(i)` is the i-th one's) into one page whose
 * offsets count from `baseSeq`: as v3 when they are numbered without gaps from `baseSeq`, else
 * (a purge rewrote the page, a migrated page) as v2, or JSON when numbers do not fit 16 bits.
 */
export function encodePage(
  records: readonly NewDecision[],
  baseSeq: number,
  seqOf: (i: number) => number,
): DecisionPage {
  if (seqOf(0) === baseSeq && seqOf(records.length - 1) - baseSeq === records.length - 1) {
    const drafts = draftsOf(records);
    if (drafts.length === 1) return numbered(drafts[0]!, baseSeq);
  }
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
  let firstAt = records[0]!.at;
  let lastAt = firstAt;
  let minRevision = records[0]!.revision;
  let maxRevision = minRevision;
  for (const record of records) {
    if (record.at < firstAt) firstAt = record.at;
    else if (record.at > lastAt) lastAt = record.at;
    if (record.revision < minRevision) minRevision = record.revision;
    else if (record.revision > maxRevision) maxRevision = record.revision;
  }
  // Every number of a page fits 16 bits (string indexes stay below 8 × the page's records)
  // unless its revisions span more than 65,535 writes or its numbers have wide gaps. v2 has no
  // place for the schema that answered: records that say it are written as JSON with `a`.
  const schemas = records.some((r) => r.schema !== undefined);
  const compact =
    !schemas &&
    maxRevision - minRevision <= UINT16 &&
    seqOf(records.length - 1) - baseSeq <= UINT16 &&
    records.length * 8 <= UINT16;
  const numbers = compact
    ? new Uint16Array(records.length * FIELDS)
    : new Float64Array(records.length * FIELDS);
  const revisionBase = compact ? minRevision : 0;
  const a: number[] = [];
  for (let i = 0, n = 0; i < records.length; i++) {
    const record = records[i]!;
    numbers[n++] = seqOf(i) - baseSeq;
    numbers[n++] = at(record.at);
    numbers[n++] = at(record.tenant);
    numbers[n++] = at(record.resource.type);
    numbers[n++] = strings.push(record.resource.id) - 1;
    numbers[n++] = at(record.permission);
    numbers[n++] = at(record.subject.type);
    numbers[n++] = strings.push(record.subject.id) - 1;
    numbers[n++] = at(subjectRelationColumn(record.subject.relation));
    numbers[n++] = record.allowed ? 1 : 0;
    numbers[n++] = record.revision - revisionBase;
    if (schemas) a.push(at(schemaAnswerText(record.schema)));
  }
  return {
    baseSeq,
    firstSeq: seqOf(0),
    lastSeq: seqOf(records.length - 1),
    count: records.length,
    firstAt,
    lastAt,
    minRevision,
    maxRevision,
    body:
      numbers instanceof Uint16Array
        ? encodeBody(strings, numbers, minRevision)
        : JSON.stringify(
            (schemas
              ? { s: strings, d: Array.from(numbers), a }
              : { s: strings, d: Array.from(numbers) }) satisfies PageBody,
          ),
  };
}

const V2 = "v2 ";
const UINT16 = 0xffff;

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
  if (body.startsWith(V4) || body.startsWith(V3)) return decodeShapedBody(body);
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

/** The records of one page, in sequence order. */
export function decodePage(baseSeq: number, body: string): DecisionRecord[] {
  const { s, d, a } = decodeBody(body);
  const records: DecisionRecord[] = new Array(d.length / FIELDS);
  for (let i = 0, n = 0; n < d.length; i++, n += FIELDS) {
    const relation = s[d[n + 8]!]!;
    const type = s[d[n + 6]!]!;
    const id = s[d[n + 7]!]!;
    const schema = a === undefined ? undefined : schemaAnswerOf(s[a[i]!]);
    const record: DecisionRecord = {
      seq: baseSeq + d[n]!,
      at: s[d[n + 1]!]!,
      tenant: s[d[n + 2]!]!,
      resource: { type: s[d[n + 3]!]!, id: s[d[n + 4]!]! },
      permission: s[d[n + 5]!]!,
      subject: relation === "" ? { type, id } : { type, id, relation },
      allowed: d[n + 9] === 1,
      revision: d[n + 10]!,
    };
    records[i] = schema === undefined ? record : { ...record, schema };
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
  if (filter.schema !== undefined && schemaAnswerText(filter.schema) === "")
    throw inputError("invalid schema: expected `{version: N}` or `{candidate: CHANGE_ID}`", {
      field: "schema",
    });
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
    filter.schema !== undefined &&
    (record.schema === undefined || !sameSchemaAnswer(record.schema, filter.schema))
  )
    return false;
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
