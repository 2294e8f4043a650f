import { RELATION_NAME } from "./names.js";
import { type ObjectRef, parseObject, parseSubject, type SubjectRef } from "./relationship.js";

/**
 * The objects, subjects and names of one batch of checks, each distinct text parsed and
 * validated once and then shared by every check that names it. A batch of 200,000 checks names
 * far fewer distinct objects than it has checks; parsing each again (its regular expressions,
 * and two objects a check that live as long as the batch) cost about as much garbage collection
 * as the answers took. Only texts that parse are kept: a bad one throws as `parseObject` and
 * `parseSubject` do without a place, and the caller names its place.
 */
export class InternedRefs {
  readonly #resources = new Map<string, ObjectRef>();
  readonly #subjects = new Map<string, SubjectRef>();
  readonly #permissions = new Map<string, string>();

  /** `parseObject(text, undefined, "resource")`, once per distinct text. */
  resource(text: string): ObjectRef {
    let ref = this.#resources.get(text);
    if (ref === undefined) {
      ref = parseObject(text, undefined, "resource");
      this.#resources.set(text, ref);
    }
    return ref;
  }

  /** `parseSubject(text)`, once per distinct text. */
  subject(text: string): SubjectRef {
    let ref = this.#subjects.get(text);
    if (ref === undefined) {
      ref = parseSubject(text);
      this.#subjects.set(text, ref);
    }
    return ref;
  }

  /** The permission's name if it is one (`RELATION_NAME`), else undefined; kept once per distinct text. */
  permission(text: string): string | undefined {
    const known = this.#permissions.get(text);
    if (known !== undefined) return known;
    if (!RELATION_NAME.test(text)) return undefined;
    this.#permissions.set(text, text);
    return text;
  }
}
