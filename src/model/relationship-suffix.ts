import { inputError, type Place } from "./errors.js";
import { TYPE_NAME } from "./names.js";
import { parseRelationship, type Relationship, type RelationshipCaveat } from "./relationship.js";

/**
 * SpiceDB's relationship text with its optional conditions:
 * `document:d#viewer@user:u[only_weekdays:{"tz":"UTC"}][expiration:2027-01-01T00:00:00Z]`
 * (`[caveat]`, `[caveat:{json}]`, `[expiration:RFC3339]`, a caveat before an expiration).
 *
 * A minimal reader for validation files, kept apart from `parseRelationship` because the
 * store side of issue 15 (branch caveat-store) brings the general one: when it lands, this
 * file gives way to it.
 */
export function parseRelationshipWithConditions(text: string, place?: Place): Relationship {
  const trimmed = text.trim();
  const open = trimmed.indexOf("[");
  if (open < 0) return parseRelationship(text, place);
  const lead = text.indexOf(trimmed);
  const base = parseRelationship(trimmed.slice(0, open), place);
  const at = (offset: number): Place | undefined =>
    place ? { ...place, column: (place.column ?? 1) + lead + offset } : undefined;
  let caveat: RelationshipCaveat | undefined;
  let expiresAt: string | undefined;
  let i = open;
  while (i < trimmed.length) {
    if (trimmed[i] !== "[")
      throw inputError(
        `invalid relationship \`${trimmed}\`: expected \`[caveat]\`, \`[caveat:{...}]\` or \`[expiration:...]\` after the subject`,
        at(i),
      );
    const colon = indexOfEither(trimmed, i + 1, ":", "]");
    const name = trimmed.slice(i + 1, colon);
    if (name === "expiration") {
      if (trimmed[colon] !== ":")
        throw inputError(
          `invalid expiration in \`${trimmed}\`: expected \`[expiration:RFC3339 time]\``,
          at(i),
        );
      const close = trimmed.indexOf("]", colon);
      if (close < 0) throw inputError(`invalid relationship \`${trimmed}\`: \`[\` is never closed`, at(i));
      if (expiresAt !== undefined)
        throw inputError(`invalid relationship \`${trimmed}\`: more than one expiration`, at(i));
      expiresAt = canonicalTime(trimmed.slice(colon + 1, close), at(colon + 1));
      i = close + 1;
      continue;
    }
    if (!TYPE_NAME.test(name))
      throw inputError(`invalid caveat name \`${name}\` in \`${trimmed}\``, at(i + 1));
    if (caveat !== undefined || expiresAt !== undefined)
      throw inputError(
        `invalid relationship \`${trimmed}\`: one caveat, written before the expiration`,
        at(i),
      );
    if (trimmed[colon] === "]") {
      caveat = { name };
      i = colon + 1;
      continue;
    }
    const end = endOfObject(trimmed, colon + 1);
    if (end < 0 || trimmed[end] !== "]")
      throw inputError(
        `invalid caveat context in \`${trimmed}\`: expected \`[${name}:{"key": value, ...}]\``,
        at(colon + 1),
      );
    let context: unknown;
    try {
      context = JSON.parse(trimmed.slice(colon + 1, end));
    } catch (error) {
      throw inputError(
        `invalid caveat context in \`${trimmed}\`: ${(error as Error).message}`,
        at(colon + 1),
      );
    }
    caveat = { name, context: context as Record<string, unknown> };
    i = end + 1;
  }
  return {
    ...base,
    ...(caveat !== undefined ? { caveat } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

function indexOfEither(text: string, from: number, a: string, b: string): number {
  for (let i = from; i < text.length; i++) if (text[i] === a || text[i] === b) return i;
  return text.length;
}

/** The index just past the JSON object starting at `from` (`{`), or -1 when it does not close. */
function endOfObject(text: string, from: number): number {
  if (text[from] !== "{") return -1;
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/** An RFC 3339 time in the canonical form `Relationship.expiresAt` holds (UTC, no zero fraction). */
export function canonicalTime(text: string, place?: Place): string {
  const ms = Date.parse(text);
  if (!RFC3339.test(text) || Number.isNaN(ms))
    throw inputError(
      `invalid expiration \`${text}\`: expected an RFC 3339 time such as \`2027-01-01T00:00:00Z\``,
      place,
    );
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
