import type { MemberDef } from "../schema/compiled.js";
import type { Evaluator } from "./evaluator.js";
import type { ResolvedSubject } from "./subject.js";
/**
 * A proof of why a check holds, or of why it does not. Each node is one step of the
 * evaluation; `relationship` names the stored relationship a step relied on.
 */
export interface ExplainNode {
    readonly step: "permission" | "relation" | "union" | "intersection" | "exclusion" | "arrow" | "nil" | "direct" | "wildcard" | "self" | "cycle";
    /** `document:readme#view`, `viewer - banned`, `parent->view` ... */
    readonly label: string;
    readonly result: boolean;
    readonly relationship?: string;
    readonly children: readonly ExplainNode[];
}
/**
 * Explains a check by walking the same steps, in the same order, as `Evaluator.check`: a union
 * stops at its first granted branch and an intersection at its first denied one, so the tree is
 * a proof of exactly the answer the check gives. Tests hold the two to the same answers.
 */
export declare function explainCheck(evaluator: Evaluator, object: number, member: MemberDef, subject: ResolvedSubject): ExplainNode;
