import { GatehouseError, inputError } from "../model/errors.js";
import type { Relationship } from "../model/relationship.js";
import { withGivenTraits } from "../model/relationship-traits.js";

/** `relationship create|touch`'s options for what a relationship carries. */
export interface TraitOptions {
  readonly caveat?: string;
  readonly context?: string;
  readonly expiresAt?: string;
}

/**
 * Adds `--caveat`, `--context` and `--expires-at` to a relationship typed on the command line
 * (the same as `[name:{...}][expiration:...]` after the subject, which the options spare the
 * shell's quoting). Each option is named in its message.
 */
export function withTraitOptions(r: Relationship, options: TraitOptions): Relationship {
  if (options.context !== undefined && options.caveat === undefined)
    throw new GatehouseError("usage", "--context needs --caveat: a context belongs to a caveat");
  let context: unknown;
  if (options.context !== undefined) {
    try {
      context = JSON.parse(options.context);
    } catch (error) {
      throw inputError(`invalid JSON in --context: ${(error as Error).message}`, { field: "--context" });
    }
  }
  return withGivenTraits(
    r,
    {
      ...(options.caveat !== undefined ? { caveat: { name: options.caveat, context } } : {}),
      ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    },
    { caveat: "--caveat", context: "--context", expiresAt: "--expires-at" },
  );
}
