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

  /** `parseObject(text)` of a good object, else undefined. */
  resource(text: string): ObjectRef | undefined {
    const colon = text.indexOf(":");
    if (colon < 0) return undefined;
    const type = this.#type(text.slice(0, colon));
    if (type === undefined) return undefined;
    const id = text.slice(colon + 1);
    return isObjectId(id) ? { type, id } : undefined;
  }

  /** `parseSubject(text)` of a good subject (`type:id`, `type:id#relation`, `type:id#...`, `type:*`), else undefined. */
  subject(text: string): SubjectRef | undefined {
    const hash = text.indexOf("#");
    const end = hash < 0 ? text.length : hash;
    const colon = text.indexOf(":");
    if (colon < 0 || colon > end) return undefined;
    const type = this.#type(text.slice(0, colon));
    if (type === undefined) return undefined;
    const id = text.slice(colon + 1, end);
    const relation = hash < 0 ? undefined : text.slice(hash + 1);
    const plain = relation === undefined || relation === ELLIPSIS;
    if (id === WILDCARD_ID) return plain ? { type, id: WILDCARD_ID } : undefined;
    if (!isObjectId(id)) return undefined;
    if (plain) return { type, id };
    const name = this.permission(relation);
    return name === undefined ? undefined : { type, id, relation: name };
  }

  /** The name if it is a permission's or relation's (`RELATION_NAME`), else undefined. */
  permission(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    if (!RELATION_NAME.test(text)) return undefined;
    this.#names.set(text, text);
    return text;
  }

  #type(text: string): string | undefined {
    const known = this.#types.get(text);
    if (known !== undefined) return known;
    if (!TYPE_NAME.test(text)) return undefined;
    this.#types.set(text, text);
    return text;
  }
}

function isObjectId(id: string): boolean {
  const n = id.length;
  if (n === 0 || n > MAX_ID) return false;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c >= 128 || ID_CHAR[c] === 0) return false;
  }
  return true;
}
