import { inputError, type Place } from "./errors.js";
import { parseExpiration } from "./expiration.js";
import { TYPE_NAME } from "./names.js";
import type { RelationshipCaveat, Relationship as RelationshipLike } from "./relationship.js";

/**
 * What SpiceDB's tuple syntax may add after the subject: a caveat (`[name]` or
 * `[name:{"k":1}]`), then an expiration (`[expiration:2027-01-01T00:00:00Z]`), in that order
 * (SpiceDB's `pkg/tuple` grammar). Caveat names follow type names (prefixes allowed).
 */
export interface RelationshipTraits {
  readonly caveat?: RelationshipCaveat;
  readonly expiresAt?: string;
}

const EXPIRATION = "expiration";
const EXPECTED = "expected `[caveat_name]`, `[caveat_name:{...}]` or `[expiration:2027-01-01T00:00:00Z]`";

/**
 * Parses the bracketed part of a relationship (`text` starts at its first `[`). `at(n)` is the
 * place of the text's `n`-th character, so that each message points at the bad part itself.
 */
export function parseTraits(
  text: string,
  at: (offset: number) => Place | undefined,
  relationship: string,
): RelationshipTraits {
  let caveat: RelationshipCaveat | undefined;
  let expiresAt: string | undefined;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "[")
      throw inputError(`unexpected \`${text.slice(i)}\` after \`${relationship}\`: ${EXPECTED}`, at(i));
    const colon = text.indexOf(":", i);
    const close = text.indexOf("]", i);
    const nameEnd = colon >= 0 && (close < 0 || colon < close) ? colon : close;
    if (nameEnd < 0) throw inputError(`unclosed \`[\` in \`${relationship}\`: ${EXPECTED}`, at(i));
    const name = text.slice(i + 1, nameEnd);
    if (name === EXPIRATION && nameEnd === colon) {
      if (expiresAt !== undefined)
        throw inputError(`\`${relationship}\` has two expirations; a relationship has at most one`, at(i));
      const end = text.indexOf("]", colon);
      if (end < 0) throw inputError(`unclosed \`[expiration:\` in \`${relationship}\``, at(i));
      expiresAt = parseExpiration(text.slice(colon + 1, end), at(colon + 1));
      i = end + 1;
      continue;
    }
    if (caveat !== undefined)
      throw inputError(`\`${relationship}\` has two caveats; a relationship has at most one`, at(i));
    if (expiresAt !== undefined)
      throw inputError(
        `the caveat \`[${name}…]\` comes after the expiration in \`${relationship}\`: SpiceDB writes the caveat first, \`[caveat][expiration:…]\``,
        at(i),
      );
    if (!TYPE_NAME.test(name))
      throw inputError(
        `invalid caveat name \`${name}\` in \`${relationship}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters (${EXPECTED})`,
        at(i + 1),
      );
    if (nameEnd === close) {
      caveat = { name };
      i = close + 1;
      continue;
    }
    const jsonStart = colon + 1;
    const jsonEnd = endOfJsonObject(text, jsonStart);
    if (jsonEnd === undefined)
      throw inputError(
        `invalid context of caveat \`${name}\` in \`${relationship}\`: expected a JSON object such as \`{"key":1}\` after \`${name}:\``,
        at(jsonStart),
      );
    const context = parseContext(text.slice(jsonStart, jsonEnd), name, relationship, at(jsonStart));
    if (text[jsonEnd] !== "]")
      throw inputError(
        `expected \`]\` after the context of caveat \`${name}\` in \`${relationship}\``,
        at(jsonEnd),
      );
    caveat = context === undefined ? { name } : { name, context };
    i = jsonEnd + 1;
  }
  return {
    ...(caveat !== undefined ? { caveat } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

/**
 * The end (exclusive) of the JSON object that starts at `start`, found by its braces outside
 * strings (a context's strings may hold `]` and `}`), or `undefined` when none starts there or
 * it is not closed.
 */
function endOfJsonObject(text: string, start: number): number | undefined {
  if (text[start] !== "{") return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return c === "}" ? i + 1 : undefined;
    }
  }
  return undefined;
}

/** A context as JSON text: an object; `{}` is no context, as SpiceDB prints none. */
function parseContext(
  json: string,
  caveat: string,
  relationship: string,
  place: Place | undefined,
): Readonly<Record<string, unknown>> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw inputError(
      `invalid JSON in the context of caveat \`${caveat}\` in \`${relationship}\`: ${(error as Error).message}`,
      place,
    );
  }
  return checkContext(value, caveat, place);
}

/**
 * A caveat context as any surface receives it: a JSON object (nothing else is a context), with
 * `{}` meaning none. Values are checked against the caveat's parameters where the schema is known.
 */
export function checkContext(
  value: unknown,
  caveat: string,
  place: Place | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw inputError(
      `the context of caveat \`${caveat}\` must be a JSON object, got ${JSON.stringify(value)}`,
      place,
    );
  return Object.keys(value).length === 0 ? undefined : (value as Record<string, unknown>);
}

/** `[name]`, `[name:{...}]`, `[expiration:…]`, or both in SpiceDB's order; '' for neither. */
export function formatTraits(traits: RelationshipTraits): string {
  let out = "";
  const { caveat, expiresAt } = traits;
  if (caveat !== undefined) {
    const context =
      caveat.context !== undefined && Object.keys(caveat.context).length > 0
        ? `:${JSON.stringify(caveat.context)}`
        : "";
    out += `[${caveat.name}${context}]`;
  }
  if (expiresAt !== undefined) out += `[${EXPIRATION}:${expiresAt}]`;
  return out;
}

/** A caveat and an expiration given as fields (an HTTP body, command-line options), not in the text. */
export interface GivenTraits {
  readonly caveat?: { readonly name: string; readonly context?: unknown } | undefined;
  readonly expiresAt?: string | undefined;
}

/**
 * Adds traits given as fields to a relationship parsed from text. Each field is named in its
 * message (`field` gives the names); one that the text already sets is refused rather than
 * silently preferred.
 */
export function withGivenTraits(
  r: RelationshipLike,
  given: GivenTraits,
  field: { readonly caveat: string; readonly context: string; readonly expiresAt: string },
): RelationshipLike {
  let out = r;
  if (given.caveat !== undefined) {
    if (r.caveat !== undefined)
      throw inputError(
        `the relationship text already names a caveat (\`[...]\`); leave out ${field.caveat}`,
        {
          field: field.caveat,
        },
      );
    if (!TYPE_NAME.test(given.caveat.name))
      throw inputError(
        `invalid caveat name \`${given.caveat.name}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`,
        { field: field.caveat },
      );
    const context =
      given.caveat.context === undefined
        ? undefined
        : checkContext(given.caveat.context, given.caveat.name, { field: field.context });
    out = {
      ...out,
      caveat: context === undefined ? { name: given.caveat.name } : { name: given.caveat.name, context },
    };
  }
  if (given.expiresAt !== undefined) {
    if (r.expiresAt !== undefined)
      throw inputError(
        `the relationship text already names an expiration (\`[expiration:...]\`); leave out ${field.expiresAt}`,
        { field: field.expiresAt },
      );
    out = { ...out, expiresAt: parseExpiration(given.expiresAt, { field: field.expiresAt }) };
  }
  return out;
}
