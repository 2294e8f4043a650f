import type { CheckRequest } from "../engine/engine.js";
import { CheckNames, skippedLine } from "../model/check-names.js";
import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import {
  type ObjectRef,
  parseRelationship,
  type Relationship,
  type SubjectRef,
} from "../model/relationship.js";

export interface NumberedRelationship {
  readonly relationship: Relationship;
  /** 1-based line in the input */
  readonly line: number;
}

/** Errors past this many are summarised; a broken million-line file should not print a million lines. */
const MAX_REPORTED = 20;

/**
 * Reads one tuple a line (`resource#relation@subject`), skipping blank lines and `//` comments.
 * Every malformed line is reported with its line and column; nothing is returned unless all parse.
 */
export function parseTupleLines(
  text: string,
  file: string | undefined,
  relationWord = "relation",
): NumberedRelationship[] {
  const reader = new TupleLineReader(file, relationWord);
  for (let start = 0; start <= text.length; ) {
    const end = lineEnd(text, start);
    reader.read(text.slice(start, end));
    start = end + 1;
  }
  return reader.finish();
}

/**
 * Checks, one a line (`resource#permission@subject`), with the line of each; blank lines and
 * `//` comments skipped. Every malformed line is reported with its place; nothing is returned
 * unless all parse. Read without an array of lines or a place per line, and each distinct
 * type and name tested once (`CheckNames`): a batch of 200,000 checks should cost little beside
 * answering them.
 */
export function parseCheckLines(
  text: string,
  file: string | undefined,
  maxChecks = Number.POSITIVE_INFINITY,
): { requests: CheckRequest[]; lines: number[] } {
  const diagnostics = new Diagnostics();
  const names = new CheckNames();
  const requests: CheckRequest[] = [];
  const lines: number[] = [];
  let failures = 0;
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    const end = lineEnd(text, start);
    line++;
    let request: CheckRequest | undefined;
    try {
      request = plainCheckLine(text, start, end, names) ?? slowCheckLine(text, start, end, file, line);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      if (++failures <= MAX_REPORTED) diagnostics.errors.push(error);
    }
    if (request !== undefined) {
      // A bounded request (HTTP: 10,000 checks) stops at the first check past its bound, named.
      if (requests.length === maxChecks) {
        diagnostics.errors.push(tooManyChecks(maxChecks, file, line));
        break;
      }
      requests.push(request);
      lines.push(line);
    }
    start = end + 1;
  }
  if (failures > MAX_REPORTED) diagnostics.add(`… and ${failures - MAX_REPORTED} more malformed lines`);
  diagnostics.throwIfAny(`${file ?? "input"} has malformed lines`);
  return { requests, lines };
}

function tooManyChecks(maxChecks: number, file: string | undefined, line: number): GatehouseError {
  return new GatehouseError(
    "input",
    `more than ${maxChecks.toLocaleString("en")} checks: one batch holds at most ${maxChecks.toLocaleString("en")} (split it)`,
    { ...(file !== undefined ? { file } : {}), line },
  );
}

/**
 * The usual line, `text[start, end)`, read in place by `CheckNames.readLine`; `make` puts its
 * parts together. Undefined for any other line (see `readLine`): the caller then reads it with
 * `readTupleLine`, which names what is wrong.
 */
function plainLine<T>(
  text: string,
  start: number,
  end: number,
  names: CheckNames,
  make: (resource: ObjectRef, relation: string, subject: SubjectRef) => T,
): T | undefined {
  const line = names.readLine(text, start, end);
  if (line === undefined) return undefined;
  const resource = { type: line.resourceType, id: text.slice(line.resourceStart, line.resourceEnd) };
  const type = line.subjectType;
  const id = text.slice(line.subjectStart, line.subjectEnd);
  const relation = line.subjectRelation;
  return make(resource, line.permission, relation === undefined ? { type, id } : { type, id, relation });
}

const checkOf = (resource: ObjectRef, permission: string, subject: SubjectRef): CheckRequest => ({
  resource,
  permission,
  subject,
});

const relationshipOf = (resource: ObjectRef, relation: string, subject: SubjectRef): Relationship => ({
  resource,
  relation,
  subject,
});

function plainCheckLine(
  text: string,
  start: number,
  end: number,
  names: CheckNames,
): CheckRequest | undefined {
  return plainLine(text, start, end, names, checkOf);
}

/**
 * `readTupleLine` of the usual line `text[start, end)` without traits (`type:id#relation@type:id`, optionally
 * `#relation` or `#...` after the subject), each distinct name tested once; undefined for any
 * other line or a part that does not parse, which `readTupleLine` then reads (see `plainLine`).
 */
export function plainTupleLine(
  text: string,
  start: number,
  end: number,
  names: CheckNames,
): Relationship | undefined {
  return plainLine(text, start, end, names, relationshipOf);
}

/** Any other line, as `readTupleLine` reads it: undefined for a blank line or comment, or a check. */
function slowCheckLine(
  text: string,
  start: number,
  end: number,
  file: string | undefined,
  line: number,
): CheckRequest | undefined {
  const r = readTupleLine(text.slice(start, end), file, line, "permission");
  return r === undefined ? undefined : { resource: r.resource, permission: r.relation, subject: r.subject };
}

/**
 * One line's tuple; undefined for a blank line or a `//` comment. A malformed line throws with
 * its file, line, column and text. The place is made only then: a good line (nearly every one
 * of a million-line import or batch) allocates nothing for it.
 */
export function readTupleLine(
  raw: string,
  file: string | undefined,
  line: number,
  relationWord = "relation",
): Relationship | undefined {
  if (skippedLine(raw, 0, raw.length)) return undefined;
  const content = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  try {
    return parseRelationship(content, undefined, relationWord);
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    const place: Place = { ...(file !== undefined ? { file } : {}), line, column: 1, snippet: content };
    return parseRelationship(content, place, relationWord);
  }
}

function lineEnd(text: string, start: number): number {
  const end = text.indexOf("\n", start);
  return end < 0 ? text.length : end;
}

/** Reads lines one at a time, keeping their numbers and the first errors. */
class TupleLineReader {
  readonly #diagnostics = new Diagnostics();
  readonly #out: NumberedRelationship[] = [];
  #line = 0;
  #failures = 0;

  constructor(
    readonly file: string | undefined,
    readonly relationWord: string,
  ) {}

  read(raw: string): void {
    const line = ++this.#line;
    try {
      const relationship = readTupleLine(raw, this.file, line, this.relationWord);
      if (relationship !== undefined) this.#out.push({ relationship, line });
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      this.#failures++;
      if (this.#failures <= MAX_REPORTED) this.#diagnostics.errors.push(error);
    }
  }

  finish(): NumberedRelationship[] {
    const failures = this.#failures;
    if (failures > MAX_REPORTED)
      this.#diagnostics.add(`… and ${failures - MAX_REPORTED} more malformed lines`);
    this.#diagnostics.throwIfAny(`${this.file ?? "input"} has malformed lines`);
    return this.#out;
  }
}

/**
 * A batch's answers as text, one line a check in the order asked: `true`, `false`, or
 * `conditional (missing day, time)` (as `permission check` prints one), each line ended by a
 * newline. The revision and the schema that answered travel beside it (HTTP: headers). Here,
 * beside the check lines' reader, and not among the views: the CLI prints it without loading TypeBox.
 */
export function checkBatchLines(result: {
  results: readonly boolean[];
  conditional?: readonly (readonly string[] | null | undefined)[];
}): string {
  const { results, conditional } = result;
  let text = "";
  for (let i = 0; i < results.length; i++) {
    const missing = conditional?.[i];
    text += missing ? `conditional (missing ${missing.join(", ")})\n` : results[i] ? "true\n" : "false\n";
  }
  return text;
}
