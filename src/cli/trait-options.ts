import { GatehouseError, inputError } from "../model/errors.js";
import type { Relationship } from "../model/relationship.js";
import { withGivenTraits } from "../model/relationship-traits.js";

/** `relationship create|touch`'s options for what a relationship carries. */
export interface TraitOptions {
  readonly caveat?: string;
  /** `--caveat-context` (`--context` names a server context, program-wide). */
  readonly caveatContext?: string;
  readonly expiresAt?: string;
}

/**
 * Adds `--caveat`, `--caveat-context` and `--expires-at` to a relationship typed on the command line
 * (the same as `[name:{...}][expiration:...]` after the subject, which the options spare the
 * shell's quoting). Each option is named in its message.
 */
export function withTraitOptions(r: Relationship, options: TraitOptions): Relationship {
  if (options.caveatContext !== undefined && options.caveat === undefined)
    throw new GatehouseError("usage", "--caveat-context needs --caveat: a context belongs to a caveat");
  let context: unknown;
  if (options.caveatContext !== undefined) {
    try {
      context = JSON.parse(options.caveatContext);
    } catch (error) {
      throw inputError(`invalid JSON in --caveat-context: ${(error as Error).message}`, {
        field: "--caveat-context",
      });
    }
  }
  return withGivenTraits(
    r,
    {
      ...(options.caveat !== undefined ? { caveat: { name: options.caveat, context } } : {}),
      ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    },
    { caveat: "--caveat", context: "--caveat-context", expiresAt: "--expires-at" },
  );
}
