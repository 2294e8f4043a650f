import { inputError, type Place } from "./errors.js";
import { OBJECT_ID, RELATION_NAME, TYPE_NAME } from "./names.js";
import { formatTraits, parseTraits } from "./relationship-traits.js";

/** An object: `document:readme`. */
export interface ObjectRef {
  readonly type: string;
  readonly id: string;
}

/**
 * A subject: an object (`user:ann`), a wildcard over a type (`user:*`) or a userset
 * (`group:eng#member`). `relation` is absent for the object itself, which SpiceDB spells `#...`.
 */
export interface SubjectRef {
  readonly type: string;
  readonly id: string;
  readonly relation?: string | undefined;
}

/**
 * A caveat on a relationship: `[on_weekdays:{"tz":"UTC"}]`. The relationship grants only when the
 * named caveat of the schema evaluates true over this context merged with the request's
 * (the relationship's own values win, as in SpiceDB).
 */
export interface RelationshipCaveat {
  readonly name: string;
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * `document:readme#viewer@group:eng#member`, optionally `[caveat:{...}]` and
 * `[expiration:2027-01-01T00:00:00Z]`. A relationship's identity is its resource, relation and
 * subject: writing it again (touch) replaces its caveat and expiration, as in SpiceDB.
 */
export interface Relationship {
  readonly resource: ObjectRef;
  readonly relation: string;
  readonly subject: SubjectRef;
  /** Present when the relationship grants only under a caveat. */
  readonly caveat?: RelationshipCaveat | undefined;
  /**
   * RFC 3339 UTC instant, canonical (`2027-01-01T00:00:00Z`, fractional seconds only when
   * non-zero) at which the relationship stops granting. Absent: it never expires.
   */
  readonly expiresAt?: string | undefined;
}

export const WILDCARD_ID = "*";
export const ELLIPSIS = "...";

export function formatObject(o: ObjectRef): string {
  return `${o.type}:${o.id}`;
}

export function formatSubject(s: SubjectRef): string {
  return s.relation === undefined ? `${s.type}:${s.id}` : `${s.type}:${s.id}#${s.relation}`;
}

/** SpiceDB's tuple syntax, with the caveat and expiration when the relationship has them. */
export function formatRelationship(r: Relationship): string {
  const key = relationshipKey(r);
  return r.caveat === undefined && r.expiresAt === undefined ? key : key + formatTraits(r);
}

/**
 * The relationship's identity, `resource#relation@subject` without caveat or expiration: two
 * relationships with the same key are one relationship (a touch replaces its caveat and expiration).
 */
export function relationshipKey(r: Relationship): string {
  return `${formatObject(r.resource)}#${r.relation}@${formatSubject(r.subject)}`;
}

export function sameSubject(a: SubjectRef, b: SubjectRef): boolean {
  return a.type === b.type && a.id === b.id && (a.relation ?? undefined) === (b.relation ?? undefined);
}

/** Adds `column` (0-based offset into the text) to a place that points at the start of the text. */
function at(place: Place | undefined, offset: number): Place | undefined {
  if (!place) return undefined;
  return { ...place, column: (place.column ?? 1) + offset };
}

/** Parses `type:id`, reporting the place of the first bad part. */
export function parseObject(text: string, place?: Place, what = "object"): ObjectRef {
  const colon = text.indexOf(":");
  if (colon < 0) throw inputError(`invalid ${what} \`${text}\`: expected \`type:id\``, place);
  const type = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (!TYPE_NAME.test(type)) {
    throw inputError(
      `invalid type name \`${type}\` in ${what} \`${text}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters, optionally prefixed like \`app/user\``,
      place,
    );
  }
  if (!OBJECT_ID.test(id)) {
    throw inputError(
      `invalid object id \`${id}\` in ${what} \`${text}\`: expected 1 to 1024 letters, digits or \`/_|-=+\``,
      at(place, colon + 1),
    );
  }
  return { type, id };
}

/** Parses `type:id`, `type:id#relation`, `type:id#...` or `type:*`. */
export function parseSubject(text: string, place?: Place): SubjectRef {
  const hash = text.indexOf("#");
  const objectText = hash < 0 ? text : text.slice(0, hash);
  const relation = hash < 0 ? undefined : text.slice(hash + 1);
  const colon = objectText.indexOf(":");
  if (colon >= 0 && objectText.slice(colon + 1) === WILDCARD_ID) {
    const type = objectText.slice(0, colon);
    if (!TYPE_NAME.test(type))
      throw inputError(`invalid type name \`${type}\` in subject \`${text}\``, place);
    if (relation !== undefined && relation !== ELLIPSIS) {
      throw inputError(`invalid subject \`${text}\`: a wildcard cannot have a relation`, at(place, hash));
    }
    return { type, id: WILDCARD_ID };
  }
  const obj = parseObject(objectText, place, "subject");
  if (relation === undefined || relation === ELLIPSIS) return obj;
  if (!RELATION_NAME.test(relation)) {
    throw inputError(
      `invalid relation name \`${relation}\` in subject \`${text}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`,
      at(place, hash + 1),
    );
  }
  return { ...obj, relation };
}

/**
 * Parses SpiceDB's tuple syntax, `resource:id#relation@subject:id[#relation]`, with a caveat
 * (`[name]`, `[name:{...}]`) and an expiration (`[expiration:RFC 3339]`) after it. The same syntax
 * names a check (`resource#permission@subject`), so `relationWord` lets messages say which; a
 * check carries neither caveat nor expiration.
 */
export function parseRelationship(text: string, place?: Place, relationWord = "relation"): Relationship {
  const whole = text.trim();
  const lead = text.indexOf(whole);
  const p = at(place, lead);
  const bracket = relationWord === "relation" ? whole.indexOf("[") : -1;
  const trimmed = bracket < 0 ? whole : whole.slice(0, bracket);
  const atSign = trimmed.indexOf("@");
  const hash = trimmed.indexOf("#");
  if (atSign < 0 || hash < 0 || hash > atSign) {
    throw inputError(
      `invalid relationship \`${trimmed}\`: expected \`type:id#${relationWord}@type:id\` (optionally \`@type:id#relation\`)`,
      p,
    );
  }
  const resource = parseObject(trimmed.slice(0, hash), p, "resource");
  const relation = trimmed.slice(hash + 1, atSign);
  if (!RELATION_NAME.test(relation)) {
    throw inputError(
      `invalid ${relationWord} name \`${relation}\` in \`${trimmed}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`,
      at(p, hash + 1),
    );
  }
  const subject = parseSubject(trimmed.slice(atSign + 1), at(p, atSign + 1));
  if (bracket < 0) return { resource, relation, subject };
  const traits = parseTraits(whole.slice(bracket), (n) => at(p, bracket + n), trimmed);
  return { resource, relation, subject, ...traits };
}
