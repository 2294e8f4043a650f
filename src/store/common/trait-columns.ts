import { expirationFromKey, expirationKey, expirationOf, parseExpiration } from "../../model/expiration.js";
import { TYPE_NAME } from "../../model/names.js";
import type { Relationship } from "../../model/relationship.js";

/**
 * How every backend stores a relationship's caveat and expiration: three nullable text columns,
 * all NULL for a plain relationship. `caveat_context` is the context as JSON text (NULL when it
 * has none); `expires_at` is `expirationKey`'s spelling, whose text order is time order, so that
 * "expired as of now" and "expired before the retention cutoff" are plain comparisons in SQL.
 */

/** caveat_name, caveat_context, expires_at */
export type TraitRow = readonly [string | null, string | null, string | null];

/** SpiceDB's default `--max-relationship-context-size`. */
export const MAX_CONTEXT_BYTES = 25_000;

export const PLAIN: TraitRow = [null, null, null];

export const TRAIT_COLUMNS = "caveat_name, caveat_context, expires_at";

export function traitsOf(r: Relationship): TraitRow {
  if (r.caveat === undefined && r.expiresAt === undefined) return PLAIN;
  const context = r.caveat?.context;
  return [
    r.caveat?.name ?? null,
    context !== undefined && Object.keys(context).length > 0 ? JSON.stringify(context) : null,
    r.expiresAt === undefined ? null : expirationKey(r.expiresAt),
  ];
}

/**
 * Adds stored traits to a relationship read back. A plain row (the common case, and every row
 * of a store without caveats) is returned as it is: an index load of a million plain rows pays
 * for no property it does not use.
 */
export function withTraits(
  r: Relationship,
  caveatName: string | null,
  caveatContext: string | null,
  expiresAt: string | null,
): Relationship {
  if (caveatName === null && expiresAt === null) return r;
  const out: { -readonly [K in keyof Relationship]: Relationship[K] } = { ...r };
  if (caveatName !== null)
    out.caveat =
      caveatContext === null
        ? { name: caveatName }
        : { name: caveatName, context: JSON.parse(caveatContext) as Record<string, unknown> };
  if (expiresAt !== null) out.expiresAt = expirationFromKey(expiresAt);
  return out;
}

/**
 * The caveat and expiration a store writes, checked for what its own columns rely on (not the
 * schema): a caveat name of the caveat name syntax, a context that is a JSON object, and an
 * RFC 3339 expiration, kept in canonical form (`2027-01-01T00:00:00.000Z` becomes `…:00Z`).
 * Returns the problem as text when there is one.
 */
export function storedTraits(r: Relationship): Pick<Relationship, "caveat" | "expiresAt"> | string {
  const out: { caveat?: Relationship["caveat"]; expiresAt?: string } = {};
  if (r.caveat !== undefined) {
    if (!TYPE_NAME.test(r.caveat.name)) return `invalid caveat name \`${r.caveat.name}\``;
    const context = r.caveat.context;
    if (context !== undefined && (context === null || typeof context !== "object" || Array.isArray(context)))
      return `the context of caveat \`${r.caveat.name}\` is not a JSON object`;
    const size = context === undefined ? 0 : Buffer.byteLength(JSON.stringify(context));
    if (size > MAX_CONTEXT_BYTES)
      return `the context of caveat \`${r.caveat.name}\` is ${size} bytes of JSON; at most ${MAX_CONTEXT_BYTES} are stored (SpiceDB's default limit)`;
    out.caveat =
      context === undefined || Object.keys(context).length === 0
        ? { name: r.caveat.name }
        : { name: r.caveat.name, context };
  }
  if (r.expiresAt !== undefined) {
    try {
      out.expiresAt = parseExpiration(r.expiresAt);
    } catch {
      return `invalid expiration \`${r.expiresAt}\`: expected an RFC 3339 time such as \`2027-01-01T00:00:00Z\``;
    }
  }
  return out;
}

/** Not expired as of the clock value in parameter `$n` (an `expirationKey`). */
export function unexpiredAt(n: number, alias = ""): string {
  return `(${alias}expires_at IS NULL OR ${alias}expires_at > $${n})`;
}

/** The store clock's time (ISO, as `now()` gives it) in `expires_at`'s spelling, for `unexpiredAt`. */
export function clockKey(isoTime: string): string {
  return expirationKey(expirationOf(new Date(isoTime)));
}
