import type { CompiledSchema } from "./compiled.js";

/** Past this many, a message names the first ones and how many there are. */
const NAMED = 20;

/**
 * The types a schema defines, for a message about a type it does not: "`user`, `document`", in
 * the schema's order, or "no types" (a store whose schema defines none).
 */
export function definedTypes(schema: CompiledSchema): string {
  const names = [...schema.typesByName.keys()].map((name) => `\`${name}\``);
  if (names.length === 0) return "no types";
  if (names.length <= NAMED) return names.join(", ");
  return `${names.slice(0, NAMED).join(", ")} and ${names.length - NAMED} more`;
}

/** The end of an "unknown type" message: "; the schema defines `user`, `document`". */
export function typesHint(schema: CompiledSchema): string {
  return `; the schema defines ${definedTypes(schema)}`;
}
