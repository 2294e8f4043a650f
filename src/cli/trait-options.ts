import { GatehouseError } from "../model/errors.js";
import type { Relationship } from "../model/relationship.js";
import { withGivenTraits } from "../model/relationship-traits.js";
import { parseCaveatContext } from "./caveat-context-option.js";

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
  const context = parseCaveatContext(options.caveatContext);
  return withGivenTraits(
    r,
    {
      ...(options.caveat !== undefined ? { caveat: { name: options.caveat, context } } : {}),
      ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    },
    { caveat: "--caveat", context: "--caveat-context", expiresAt: "--expires-at" },
  );
}
