import { inputError } from "../model/errors.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";

/**
 * `--caveat-context <json>`: a JSON object of caveat parameters (`--context` names a server
 * context, program-wide). The option is named in the message of bad JSON or a non-object.
 */
export function parseCaveatContext(
  text: string | undefined,
  option = "--caveat-context",
): CaveatContext | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError(`invalid JSON in ${option}: ${(error as Error).message}`, { field: option });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw inputError(`${option} must be a JSON object such as '{"ip":"10.0.0.1"}', got ${text}`, {
      field: option,
    });
  return value as CaveatContext;
}
