import type { CaveatTypeAst } from "../ast.js";

/** The types a caveat parameter may have without type arguments, as SpiceDB names them. */
export const SCALARS = [
  "int",
  "uint",
  "double",
  "bool",
  "string",
  "bytes",
  "duration",
  "timestamp",
  "ipaddress",
  "any",
] as const;
export type ScalarKind = (typeof SCALARS)[number];

/** The type of a caveat parameter. */
export type ParameterType =
  | { readonly kind: ScalarKind }
  | { readonly kind: "list"; readonly element: ParameterType }
  /** SpiceDB's `map<T>` has string keys. */
  | { readonly kind: "map"; readonly value: ParameterType };

/** The type a parameter declares, or the problem with it (phrased like SpiceDB's). */
export function parameterTypeOf(ast: CaveatTypeAst): ParameterType | string {
  const scalar = SCALARS.find((s) => s === ast.name);
  if (scalar !== undefined) {
    if (ast.arguments.length > 0) return `type \`${ast.name}\` takes no type arguments`;
    return { kind: scalar };
  }
  if (ast.name === "list" || ast.name === "map") {
    const argument = ast.arguments[0];
    if (ast.arguments.length !== 1 || argument === undefined)
      return `type \`${ast.name}\` takes exactly one type argument (such as \`${ast.name}<string>\`), found ${ast.arguments.length}`;
    const inner = parameterTypeOf(argument);
    if (typeof inner === "string") return inner;
    return ast.name === "list" ? { kind: "list", element: inner } : { kind: "map", value: inner };
  }
  return `unknown type \`${ast.name}\`: expected one of ${[...SCALARS, "list<T>", "map<T>"].map((s) => `\`${s}\``).join(", ")}`;
}

export function formatParameterType(type: ParameterType): string {
  if (type.kind === "list") return `list<${formatParameterType(type.element)}>`;
  if (type.kind === "map") return `map<${formatParameterType(type.value)}>`;
  return type.kind;
}
