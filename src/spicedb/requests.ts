import { v1 } from "@authzed/authzed-node";
import { SpicedbError } from "./status.js";

/** A required string field of a request. */
export function requiredText(value: string, path: string): string {
  if (value === "") throw new SpicedbError("INVALID_ARGUMENT", `\`${path}\` is required`);
  return value;
}

/** A request's caveat context as JSON (`undefined` when absent or empty). */
export function contextOf(context: v1.PbStruct | undefined): Record<string, unknown> | undefined {
  if (context === undefined || Object.keys(context.fields).length === 0) return undefined;
  return v1.PbStruct.toJson(context) as Record<string, unknown>;
}

/**
 * A value named in an error message, in backticks as SpiceDB quotes names and values (`object
 * definition \`x\` not found`); a long one is cut at 80 characters.
 */
export function quoted(value: string): string {
  return `\`${value.length > 80 ? `${value.slice(0, 80)}…` : value}\``;
}

/** A limit field: 0 is "no limit", as in SpiceDB. */
export function optionalLimit(limit: number, max: number, path: string): number | undefined {
  if (limit === 0) return undefined;
  if (limit < 0 || limit > max)
    throw new SpicedbError("INVALID_ARGUMENT", `\`${path}\` must be from 0 to ${max.toLocaleString("en")}`);
  return limit;
}
