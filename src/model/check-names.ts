import { RELATION_NAME, TYPE_NAME } from "./names.js";
import { ELLIPSIS, type ObjectRef, type SubjectRef, WILDCARD_ID } from "./relationship.js";

/** The characters of an object id (`OBJECT_ID`: letters, digits and `/_|-=+`), by char code. */
const ID_CHAR = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_|-=+")
  ID_CHAR[c.charCodeAt(0)] = 1;
const MAX_ID = 1024;

/**
 * Reads the resources, permissions and subjects of one batch of checks, each distinct type,
 * permission and relation name tested once. A batch of 200,000 checks names a handful of types
 * and permissions: the regular expressions per check (`parseObject`, `parseSubject`) cost about a
 * third of what answering took. An id is tested by a table instead, as `OBJECT_ID` says.
 *
 * Each method answers what `parseObject(text, place, "resource")`, `parseSubject(text)` and
 * `RELATION_NAME` accept, or undefined: the caller then parses with those, which name the
 * problem and its place, so nothing is accepted here that they refuse.
 */
export class CheckNames {
  readonly #types = new KnownNames(TYPE_NAME);
  readonly #names = new KnownNames(RELATION_NAME);

  /** The parts of the line read last (`readLine`): one object, overwritten by each line. */
  readonly #line: CheckLine = {
    resourceType: "",
    resourceStart: 0,
    resourceEnd: 0,
    permission: "",
    subjectType: "",
    subjectStart: 0,
    subjectEnd: 0,
    subjectRelation: undefined,
  };

  /** `parseObject(text)` of a good object, else undefined. */
  resource(text: string): ObjectRef | undefined {
    return this.resourceIn(text, 0, text.length);
  }

  /** `resource` of `text[start, end)`. */
  resourceIn(text: string, start: number, end: number): ObjectRef | undefined {
    const line = this.#line;
    if (!this.#resource(text, start, end, line)) return undefined;
    return { type: line.resourceType, id: text.slice(line.resourceStart, line.resourceEnd) };
  }

  /** `parseSubject(text)` of a good subject (`type:id`, `type:id#relation`, `type:id#...`, `type:*`), else undefined. */
  subject(text: string): SubjectRef | undefined {
    return this.subjectIn(text, 0, text.length);
  }

  /** `subject` of `text[start, end)`. */
  subjectIn(text: string, start: number, end: number): SubjectRef | undefined {
    const line = this.#line;
    if (!this.#subject(text, start, end, line)) return undefined;
    const type = line.subjectType;
    const id = text.slice(line.subjectStart, line.subjectEnd);
    const relation = line.subjectRelation;
    return relation === undefined ? { type, id } : { type, id, relation };
  }

  /**
   * The usual check line, `text[start, end)`, read in place: it starts with a type name's letter,
   * ends in a printable ASCII character (so trimming would change nothing) and has its `#`
   * before its `@`; its resource, permission and subject are those `resourceIn`,
   * `permissionIn` and `subjectIn` read, the ids as ranges of `text` (no string made for them).
   * Undefined for any other line, and for a part that does not parse (a line with traits,
   * `[...]`, among them: a `[` is in no name or id): the caller then reads it with
   * `readTupleLine`, which names what is wrong, so this path accepts nothing the other would
   * refuse. The answer is one object, overwritten by the next line read.
   */
  readLine(text: string, start: number, end: number): CheckLine | undefined {
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--; // \r
    const first = text.charCodeAt(start);
    const last = text.charCodeAt(stop - 1);
    if (!(first >= 97 && first <= 122) || !(last > 32 && last < 127)) return undefined;
    const hash = text.indexOf("#", start);
    const atSign = text.indexOf("@", start);
    if (hash < 0 || atSign < 0 || atSign >= stop || hash > atSign) return undefined;
    const permission = this.permissionIn(text, hash + 1, atSign);
    if (permission === undefined) return undefined;
    const line = this.#line;
    if (!this.#resource(text, start, hash, line) || !this.#subject(text, atSign + 1, stop, line))
      return undefined;
    line.permission = permission;
    return line;
  }

  /** Reads an object `text[start, end)` into the line's resource parts; false if it does not parse. */
  #resource(text: string, start: number, end: number, line: CheckLine): boolean {
    const colon = text.indexOf(":", start);
    if (colon < 0 || colon >= end) return false;
    const type = this.#type(text, start, colon);
    if (type === undefined || !isObjectId(text, colon + 1, end)) return false;
    line.resourceType = type;
    line.resourceStart = colon + 1;
    line.resourceEnd = end;
    return true;
  }

  /** Reads a subject `text[start, end)` into the line's subject parts; false if it does not parse. */
  #subject(text: string, start: number, end: number, line: CheckLine): boolean {
    let hash = text.indexOf("#", start);
    if (hash >= end) hash = -1;
    const idEnd = hash < 0 ? end : hash;
    const colon = text.indexOf(":", start);
    if (colon < 0 || colon > idEnd) return false;
    const type = this.#type(text, start, colon);
    if (type === undefined) return false;
    const plain = hash < 0 || (end - hash - 1 === ELLIPSIS.length && text.startsWith(ELLIPSIS, hash + 1));
    let relation: string | undefined;
    if (idEnd - colon - 1 === WILDCARD_ID.length && text.startsWith(WILDCARD_ID, colon + 1)) {
      if (!plain) return false;
    } else {
      if (!isObjectId(text, colon + 1, idEnd)) return false;
      if (!plain) {
        relation = this.permissionIn(text, hash + 1, end);
        if (relation === undefined) return false;
      }
    }
    line.subjectType = type;
    line.subjectStart = colon + 1;
    line.subjectEnd = idEnd;
    line.subjectRelation = relation;
    return true;
  }

  /** The name if it is a permission's or relation's (`RELATION_NAME`), else undefined. */
  permission(text: string): string | undefined {
    return this.permissionIn(text, 0, text.length);
  }

  /** `permission` of `text[start, end)`. */
  permissionIn(text: string, start: number, end: number): string | undefined {
    return this.#names.in(text, start, end);
  }

  #type(text: string, start: number, end: number): string | undefined {
    return this.#types.in(text, start, end);
  }
}

/** How many distinct names a `KnownNames` finds by comparing in place, before it slices and looks up. */
const IN_PLACE = 8;

/**
 * The names of one kind (types, or permissions and relations) a batch has used, each tested
 * against its pattern once and then answered as the same string. A batch names a handful: the
 * first `IN_PLACE` are found by comparing them with the text in place (no slice, no hash; lines
 * in a row alternate between a few, `view` and `edit`), any further ones in a map.
 */
class KnownNames {
  readonly #first: string[] = [];
  readonly #more = new Map<string, string>();

  constructor(readonly pattern: RegExp) {}

  /** The name `text[start, end)` if the pattern accepts it, else undefined. */
  in(text: string, start: number, end: number): string | undefined {
    const length = end - start;
    const first = this.#first;
    for (let i = 0; i < first.length; i++) {
      const name = first[i]!;
      if (name.length === length && text.startsWith(name, start)) return name;
    }
    const slice = text.slice(start, end);
    const found = this.#more.get(slice);
    if (found !== undefined) return found;
    if (!this.pattern.test(slice)) return undefined;
    if (first.length < IN_PLACE) first.push(slice);
    else this.#more.set(slice, slice);
    return slice;
  }
}

/**
 * A check line's parts as `CheckNames.readLine` reads them: the names as the checks' own strings
 * (each distinct one made once), the ids as ranges of the line's text.
 */
export interface CheckLine {
  resourceType: string;
  /** The resource's id is `text[resourceStart, resourceEnd)`. */
  resourceStart: number;
  resourceEnd: number;
  permission: string;
  subjectType: string;
  /** The subject's id is `text[subjectStart, subjectEnd)` (`*` for a wildcard). */
  subjectStart: number;
  subjectEnd: number;
  /** `member` of `group:eng#member`; undefined for a plain subject and for `#...`. */
  subjectRelation: string | undefined;
}

/**
 * Whether `text[start, end)` is a line a tuple or check file skips: blank (whitespace alone), or
 * a `//` comment, a carriage return at its end left out. A line starting with a type name's
 * letter is neither, found without a slice.
 */
export function skippedLine(text: string, start: number, end: number): boolean {
  const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  const first = start < stop ? text.charCodeAt(start) : 0;
  if (first >= 97 && first <= 122) return false;
  const trimmed = text.slice(start, stop).trim();
  return trimmed === "" || trimmed.startsWith("//");
}

function isObjectId(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n <= 0 || n > MAX_ID) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || ID_CHAR[c] === 0) return false;
  }
  return true;
}
