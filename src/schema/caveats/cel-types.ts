import type { ParameterType, ScalarKind } from "./parameter-type.js";

/**
 * Types as the caveat type checker sees a CEL expression. `dyn` is "not known until it runs"
 * (SpiceDB's `any`, an element of an untyped list): everything accepts it.
 */
export type CelStaticType =
  /** `any` is `dyn`; `null` and `type` are CEL values a parameter cannot declare. */
  | { readonly kind: Exclude<ScalarKind, "any"> | "null" | "type" | "dyn" }
  | { readonly kind: "list"; readonly element: CelStaticType }
  | { readonly kind: "map"; readonly key: CelStaticType; readonly value: CelStaticType };

export const DYN: CelStaticType = { kind: "dyn" };
export const BOOL: CelStaticType = { kind: "bool" };
export const INT: CelStaticType = { kind: "int" };
export const STRING: CelStaticType = { kind: "string" };

/**
 * The CEL type of a parameter, as SpiceDB declares it (pkg/caveats/types/basic.go): `any` is
 * `dyn`, `map<T>` has string keys, and `uint` is a CEL *int* (SpiceDB registers it with
 * `cel.IntType`, so `count < limit` works and `limit == 2u` does not type-check).
 */
export function staticTypeOf(type: ParameterType): CelStaticType {
  switch (type.kind) {
    case "any":
      return DYN;
    case "uint":
      return INT;
    case "list":
      return { kind: "list", element: staticTypeOf(type.element) };
    case "map":
      return { kind: "map", key: STRING, value: staticTypeOf(type.value) };
    default:
      return { kind: type.kind };
  }
}

export function formatStaticType(type: CelStaticType): string {
  if (type.kind === "list") return `list(${formatStaticType(type.element)})`;
  if (type.kind === "map") return `map(${formatStaticType(type.key)}, ${formatStaticType(type.value)})`;
  return type.kind;
}

export function sameType(a: CelStaticType, b: CelStaticType): boolean {
  return formatStaticType(a) === formatStaticType(b);
}

export const NUMERIC = new Set(["int", "uint", "double"]);
