import { inputError } from "../../model/errors.js";
import { type CaveatResult, conditional, FALSE, TRUE } from "./caveat-result.js";
import type { CompiledCaveat } from "./compile.js";
import { type CaveatContext, contextValue } from "./context-values.js";
import { evaluatePartial } from "./partial.js";

/**
 * The context a caveat runs with: the request's context with the relationship's written
 * context on top. SpiceDB does the same (`internal/caveats/run.go`: "the written context
 * taking precedence over that specified"), so a caller cannot override what a grant fixed.
 */
export function mergeContexts(
  relationship: CaveatContext | undefined,
  request: CaveatContext | undefined,
): CaveatContext {
  return { ...request, ...relationship };
}

/**
 * Evaluates a caveat over a (merged) context. Keys the caveat does not declare are ignored, as
 * SpiceDB ignores them. When declared parameters are absent the answer is `conditional` exactly
 * when one of them is still needed, naming those (see `partial.ts`); a value of the wrong type
 * or an evaluation error is an input error naming the caveat.
 */
export function evaluateCaveat(caveat: CompiledCaveat, context: CaveatContext): CaveatResult {
  const bindings: Record<string, unknown> = {};
  const missing = new Set<string>();
  for (const [name, type] of caveat.parameters) {
    if (Object.hasOwn(context, name) && context[name] !== undefined)
      bindings[name] = contextValue(caveat.name, name, type, context[name]);
    else missing.add(name);
  }
  const outcome = evaluatePartial(caveat.planned, bindings, missing);
  if (outcome.kind === "unknown") return conditional(outcome.missing);
  if (outcome.kind === "error")
    throw inputError(`caveat \`${caveat.name}\` could not be evaluated: ${outcome.message}`);
  if (typeof outcome.value === "boolean") return outcome.value ? TRUE : FALSE;
  throw inputError(`caveat \`${caveat.name}\` evaluated to a value that is not a boolean`);
}
