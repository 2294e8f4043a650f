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
  readonly #types = new Map<string, string>();
  readonly #names = new Map<string, string>();
  /** The type and name found last: lines in a row mostly repeat them, found then without a slice. */
  #lastType = "";
  #lastName = "";

  /** `parseObject(text)` of a good object, else undefined. */
  resource(text: string): ObjectRef | undefined {
    return this.resourceIn(text, 0, text.length);
  }

  /** `resource` of `text[start, end)`. */
  resourceIn(text: string, start: number, end: number): ObjectRef | undefined {
    const colon = text.indexOf(":", start);
    if (colon < 0 || colon >= end) return undefined;
    const type = this.#type(text, start, colon);
    if (type === undefined || !isObjectId(text, colon + 1, end)) return undefined;
    return { type, id: text.slice(colon + 1, end) };
  }

  /** `parseSubject(text)` of a good subject (`type:id`, `type:id#relation`, `type:id#...`, `type:*`), else undefined. */
  subject(text: string): SubjectRef | undefined {
    return this.subjectIn(text, 0, text.length);
  }

  /** `subject` of `text[start, end)`. */
  subjectIn(text: string, start: number, end: number): SubjectRef | undefined {
    let hash = text.indexOf("#", start);
    if (hash >= end) hash = -1;
    const idEnd = hash < 0 ? end : hash;
    const colon = text.indexOf(":", start);
    if (colon < 0 || colon > idEnd) return undefined;
    const type = this.#type(text, start, colon);
    if (type === undefined) return undefined;
    const plain = hash < 0 || (end - hash - 1 === ELLIPSIS.length && text.startsWith(ELLIPSIS, hash + 1));
    if (idEnd - colon - 1 === WILDCARD_ID.length && text.startsWith(WILDCARD_ID, colon + 1))
      return plain ? { type, id: WILDCARD_ID } : undefined;
    if (!isObjectId(text, colon + 1, idEnd)) return undefined;
    const id = text.slice(colon + 1, idEnd);
    if (plain) return { type, id };
    const name = this.permissionIn(text, hash + 1, end);
    return name === undefined ? undefined : { type, id, relation: name };
  }

  /** The name if it is a permission's or relation's (`RELATION_NAME`), else undefined. */
  permission(text: string): string | undefined {
    return this.permissionIn(text, 0, text.length);
  }

  /** `permission` of `text[start, end)`. */
  permissionIn(text: string, start: number, end: number): string | undefined {
    const last = this.#lastName;
    if (last !== "" && end - start === last.length && text.startsWith(last, start)) return last;
    const name = known(this.#names, text.slice(start, end), RELATION_NAME);
    if (name !== undefined) this.#lastName = name;
    return name;
  }

  #type(text: string, start: number, end: number): string | undefined {
    const last = this.#lastType;
    if (last !== "" && end - start === last.length && text.startsWith(last, start)) return last;
    const type = known(this.#types, text.slice(start, end), TYPE_NAME);
    if (type !== undefined) this.#lastType = type;
    return type;
  }
}

/** `text` as `names` holds it when `pattern` accepts it (tested once per distinct text), else undefined. */
function known(names: Map<string, string>, text: string, pattern: RegExp): string | undefined {
  const found = names.get(text);
  if (found !== undefined) return found;
  if (!pattern.test(text)) return undefined;
  names.set(text, text);
  return text;
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
