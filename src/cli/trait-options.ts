import { GatehouseError, inputError } from "../model/errors.js";
import { parseExpiration } from "../model/expiration.js";
import type { Relationship } from "../model/relationship.js";
import { checkContext } from "../model/relationship-traits.js";

/** `relationship create|touch`'s options for what a relationship carries. */
export interface TraitOptions {
  readonly caveat?: string;
  readonly context?: string;
  readonly expiresAt?: string;
}

/**
 * Adds `--caveat`, `--context` and `--expires-at` to a relationship typed on the command line
 * (the same as `[name:{...}][expiration:...]` after the subject, which the options spare the
 * shell's quoting). Each option is named in its message; one given twice over is refused.
 */
export function withTraitOptions(r: Relationship, options: TraitOptions): Relationship {
  let out = r;
  if (options.context !== undefined && options.caveat === undefined)
    throw new GatehouseError("usage", "--context needs --caveat: a context belongs to a caveat");
  if (options.caveat !== undefined) {
    if (r.caveat !== undefined)
      throw new GatehouseError("usage", "the subject already names a caveat (`[...]`); leave out --caveat");
    let context: Record<string, unknown> | undefined;
    if (options.context !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(options.context);
      } catch (error) {
        throw inputError(`invalid JSON in --context: ${(error as Error).message}`, { field: "--context" });
      }
      context = checkContext(value, options.caveat, { field: "--context" }) as
        | Record<string, unknown>
        | undefined;
    }
    out = {
      ...out,
      caveat: context === undefined ? { name: options.caveat } : { name: options.caveat, context },
    };
  }
  if (options.expiresAt !== undefined) {
    if (r.expiresAt !== undefined)
      throw new GatehouseError(
        "usage",
        "the subject already names an expiration (`[expiration:...]`); leave out --expires-at",
      );
    out = { ...out, expiresAt: parseExpiration(options.expiresAt, { field: "--expires-at" }) };
  }
  return out;
}
