import { GatehouseError, type Place } from "../model/errors.js";

/**
 * How deep one permission may nest. Schemas are user input (`PUT /v1/schema`, `/v1/validate`,
 * a change's `schema:`), and every reader of an expression (the checker, the printer, the
 * engine's evaluation and explanation) walks it by recursion, so an expression of thousands of
 * nested parentheses, or thousands of permissions each naming the one before, would exhaust the
 * stack. The limit counts the levels of one permission's expression, and a permission of the same
 * definition that it names adds its own levels (the engine evaluates those on the same object,
 * without a hop that its own depth limit would count), so levels multiply with hops: at 32 a
 * chain of 50 hops (the default depth limit) still fits the stack, and written schemas nest a
 * handful of levels.
 */
export const MAX_EXPRESSION_DEPTH = 32;

export function expressionDepthExceeded(
  what: string,
  depth: number | undefined,
  place: Place,
): GatehouseError {
  return new GatehouseError(
    "limit",
    `${what} nests ${depth !== undefined ? `${depth} levels` : "too many levels"} deep; the limit is ${MAX_EXPRESSION_DEPTH} levels (an operator or parenthesis is one level, and a permission of the same definition that it names adds its own levels)`,
    place,
  );
}
