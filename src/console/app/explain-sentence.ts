import type { ExplainStep } from "./responses.js";

/**
 * "Why (not)?" in one sentence, read from the proof tree before the tree itself is shown
 * ("denied: user:bob is banned from document:postmortem"). The sentence names the step that
 * decided the answer; the tree below it is the whole proof.
 */

/** `document:p#banned` of a step label, and its relation `banned`. */
function relationOf(label: string): string {
  const hash = label.lastIndexOf("#");
  return (hash < 0 ? label : label.slice(hash + 1)).split(/[ (=]/)[0]!;
}

/** The relationships a granted step stands on, from the top down. */
function grantChain(step: ExplainStep): string[] {
  const here = step.relationship ? [step.relationship] : [];
  const granted = step.children.find((c) => c.result);
  return granted ? [...here, ...grantChain(granted)] : here;
}

/**
 * The step that denied: an exclusion whose excluded part holds (the only step that is false
 * while every operand holds), else an intersection's missing operand, else nothing granted.
 */
function denial(step: ExplainStep): { kind: "excluded" | "missing"; step: ExplainStep } | undefined {
  if (step.result) return undefined;
  if (step.children.length >= 2 && step.children.every((c) => c.result))
    return { kind: "excluded", step: step.children[step.children.length - 1]! };
  if (step.children.some((c) => c.result)) {
    const missing = step.children.find((c) => !c.result)!;
    return denial(missing) ?? { kind: "missing", step: missing };
  }
  for (const child of step.children) {
    const found = denial(child);
    if (found?.kind === "excluded") return found;
  }
  return undefined;
}

/** A relation named like a state (`banned`, `blocked`) reads "is banned from"; others "is excluded as". */
function excludedPhrase(subject: string, relation: string, resource: string): string {
  return /ed$/.test(relation)
    ? `${subject} is ${relation} from ${resource}`
    : `${subject} is excluded as ${relation} of ${resource}`;
}

export interface Question {
  readonly subject: string;
  readonly permission: string;
  readonly resource: string;
}

export function explainSentence(q: Question, tree: ExplainStep): string {
  if (tree.result) {
    const chain = grantChain(tree);
    return (
      `allowed: ${q.subject} has ${q.permission} on ${q.resource}` +
      (chain.length ? ` through ${chain.join(", then ")}` : "")
    );
  }
  const found = denial(tree);
  if (found?.kind === "excluded") {
    const proof = grantChain(found.step);
    return (
      `denied: ${excludedPhrase(q.subject, relationOf(found.step.label), q.resource)}` +
      (proof.length ? ` (${proof.join(", then ")})` : "")
    );
  }
  if (found?.kind === "missing")
    return `denied: ${q.subject} lacks ${relationOf(found.step.label)} on ${q.resource}, which ${q.permission} requires`;
  const tried = tree.children.map((c) => relationOf(c.label)).filter((r) => r !== "");
  return (
    `denied: nothing gives ${q.subject} ${q.permission} on ${q.resource}` +
    (tried.length ? ` (none of: ${[...new Set(tried)].join(", ")})` : "")
  );
}
