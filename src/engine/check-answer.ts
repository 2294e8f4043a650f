import type { CaveatResult } from "../schema/caveats/caveat-result.js";

/** SpiceDB's three answers to a check (its `Permissionship`, in Gatehouse's words). */
export type Permissionship = "has_permission" | "no_permission" | "conditional";

export interface CheckAnswer {
  readonly permissionship: Permissionship;
  /** For `conditional`: the caveat context parameters an answer still needs, sorted. Else empty. */
  readonly missing: readonly string[];
}

const HAS: CheckAnswer = Object.freeze({ permissionship: "has_permission", missing: Object.freeze([]) });
const NO: CheckAnswer = Object.freeze({ permissionship: "no_permission", missing: Object.freeze([]) });

/** The answer of a check (shared objects for the two decided answers: nothing allocated). */
export function checkAnswerOf(result: CaveatResult): CheckAnswer {
  if (result.kind === "conditional") return { permissionship: "conditional", missing: result.missing };
  return result.kind === "true" ? HAS : NO;
}
