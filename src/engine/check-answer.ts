import type { CaveatResult } from "../schema/caveats/caveat-result.js";

/** SpiceDB's three answers to a check (its `Permissionship`, in Gatehouse's words). */
export type Permissionship = "has_permission" | "no_permission" | "conditional";

export interface CheckAnswer {
  readonly permissionship: Permissionship;
  /** For `conditional`: the caveat context parameters an answer still needs, sorted. Else empty. */
  readonly missing: readonly string[];
}

export function checkAnswerOf(result: CaveatResult): CheckAnswer {
  if (result.kind === "conditional") return { permissionship: "conditional", missing: result.missing };
  return { permissionship: result.kind === "true" ? "has_permission" : "no_permission", missing: [] };
}
