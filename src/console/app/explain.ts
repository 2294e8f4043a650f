import { api, tenant } from "./api.js";
import { byId, el, field, onSubmit } from "./dom.js";
import type { ExplainAnswer, ExplainStep } from "./responses.js";

/** "Why (not)?": the answer to a check and its proof, one line a step. */

function treeLines(step: ExplainStep, depth: number): HTMLElement[] {
  const mark = step.result ? "\u2713 " : "\u2717 ";
  const via = step.relationship ? `   [${step.relationship}]` : "";
  const line = el("div", { class: step.result ? "yes" : "no" }, "  ".repeat(depth) + mark + step.label + via);
  return [line, ...step.children.flatMap((child) => treeLines(child, depth + 1))];
}

export function setUpExplain(): void {
  const form = byId("check-form", HTMLFormElement);
  const answer = byId("answer", HTMLElement);
  const tree = byId("tree", HTMLElement);
  onSubmit(form, async () => {
    const values = new FormData(form);
    const body = {
      resource: field(values, "resource"),
      permission: field(values, "permission"),
      subject: field(values, "subject"),
    };
    const result = await api<ExplainAnswer>("POST", `/v1/tenants/${tenant()}/explain`, body);
    const verb = result.allowed ? " has " : " does not have ";
    answer.replaceChildren(
      el(
        "span",
        { class: result.allowed ? "yes" : "no" },
        body.subject + verb + body.permission + " on " + body.resource,
      ),
      el("span", { class: "muted" }, `  (revision ${result.revision})`),
    );
    tree.replaceChildren(...treeLines(result.explain, 0));
    tree.hidden = false;
  });
}
