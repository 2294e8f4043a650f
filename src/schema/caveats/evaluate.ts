import { type CelError, celError, isCelError } from "@bufbuild/cel";
import { inputError } from "../../model/errors.js";
import { type CaveatResult, conditional, FALSE, TRUE } from "./caveat-result.js";
import type { CompiledCaveat } from "./compile.js";
import { type CaveatContext, contextValue } from "./context-values.js";

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

/** Marks the value of a parameter the context does not give; CEL carries it as an error. */
const MISSING = "gatehouse: missing caveat parameter ";

/**
 * Evaluates a caveat over a (merged) context. Keys the caveat does not declare are ignored, as
 * SpiceDB ignores them. A declared parameter the context lacks is bound to an error value that
 * names it: CEL's `&&`, `||` and `?:` absorb errors where the other side decides (`false && x`
 * is false), the same way cel-go's partial evaluation absorbs unknowns, so the answer is
 * `conditional` exactly when a missing parameter was needed, and it names those parameters.
 */
export function evaluateCaveat(caveat: CompiledCaveat, context: CaveatContext): CaveatResult {
  const bindings: Record<string, unknown> = {};
  for (const [name, type] of caveat.parameters) {
    bindings[name] =
      Object.hasOwn(context, name) && context[name] !== undefined
        ? contextValue(caveat.name, name, type, context[name])
        : celError(`${MISSING}${name}`);
  }
  const result = caveat.run(bindings);
  if (typeof result === "boolean") return result ? TRUE : FALSE;
  if (isCelError(result)) {
    const missing = missingNames(result);
    if (missing.length > 0) return conditional(missing);
    throw inputError(`caveat \`${caveat.name}\` could not be evaluated: ${result.message}`);
  }
  throw inputError(`caveat \`${caveat.name}\` evaluated to a value that is not a boolean`);
}

/** Missing parameters named in an error and, when errors were merged, in those it carries. */
function missingNames(error: CelError): string[] {
  const out: string[] = [];
  const pending: unknown[] = [error];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (Array.isArray(next)) pending.push(...next);
    else if (isCelError(next)) {
      if (next.message.startsWith(MISSING)) out.push(next.message.slice(MISSING.length));
      if (next.cause !== undefined) pending.push(next.cause);
    }
  }
  return out;
}
