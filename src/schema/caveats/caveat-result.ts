/**
 * SpiceDB's three answers for a caveat: it holds, it does not, or it cannot be decided until
 * the named context parameters are given (`conditional`, PARTIAL in SpiceDB's API).
 */
export type CaveatResult =
  | { readonly kind: "true" }
  | { readonly kind: "false" }
  | { readonly kind: "conditional"; readonly missing: readonly string[] };

export const TRUE: CaveatResult = { kind: "true" };
export const FALSE: CaveatResult = { kind: "false" };

export function conditional(missing: Iterable<string>): CaveatResult {
  return { kind: "conditional", missing: [...new Set(missing)].sort() };
}

/**
 * `a AND b AND ...` over caveat results, as SpiceDB's caveat runner combines the caveats on
 * one path: any false decides false; else any conditional makes it conditional on all their
 * missing parameters; else true.
 */
export function allOf(results: Iterable<CaveatResult>): CaveatResult {
  return combine(results, "false");
}

/** `a OR b OR ...`: any true decides true; else any conditional makes it conditional; else false. */
export function anyOf(results: Iterable<CaveatResult>): CaveatResult {
  return combine(results, "true");
}

function combine(results: Iterable<CaveatResult>, decisive: "true" | "false"): CaveatResult {
  const missing: string[] = [];
  let undecided = false;
  for (const r of results) {
    if (r.kind === decisive) return r;
    if (r.kind === "conditional") {
      undecided = true;
      missing.push(...r.missing);
    }
  }
  if (undecided) return conditional(missing);
  return decisive === "true" ? FALSE : TRUE;
}

/** `NOT a` (for exclusions): a conditional result stays conditional on the same parameters. */
export function negate(result: CaveatResult): CaveatResult {
  if (result.kind === "conditional") return result;
  return result.kind === "true" ? FALSE : TRUE;
}
