import type { CaveatContext } from "../schema/caveats/context-values.js";

/**
 * A proof of why a check holds, or of why it does not. Each node is one step of the
 * evaluation; `relationship` names the stored relationship a step relied on.
 */
export interface ExplainNode {
  readonly step:
    | "permission"
    | "relation"
    | "union"
    | "intersection"
    | "exclusion"
    | "arrow"
    | "nil"
    | "direct"
    | "wildcard"
    | "self"
    | "cycle"
    | "caveat"
    | "expiration";
  /** `document:readme#view`, `viewer - banned`, `parent->view` ... */
  readonly label: string;
  /** True when the step grants; false when it does not or is only conditional (see `conditional`). */
  readonly result: boolean;
  /** Present when the step's answer is conditional: the context parameters it still needs. */
  readonly conditional?: readonly string[];
  /** On a `caveat` step: the caveat, its expression, the context it ran with and its answer. */
  readonly caveat?: ExplainedCaveat;
  readonly relationship?: string;
  readonly children: readonly ExplainNode[];
}

export interface ExplainedCaveat {
  readonly name: string;
  readonly expression: string;
  /** The relationship's context with the request's beneath it, as the caveat saw them. */
  readonly context: CaveatContext;
  readonly result: boolean | "conditional";
}
