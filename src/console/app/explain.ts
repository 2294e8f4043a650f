import { api, tenant, tenantName } from "./api.js";
import { byId, el, field, onSubmit } from "./dom.js";
import { explainSentence } from "./explain-sentence.js";
import type { ExplainAnswer, ExplainStep } from "./responses.js";
import { forgetTenants, knownTenants } from "./tenants.js";

/** "Why (not)?": the answer in a sentence, then its proof, one line a step. */

function treeLines(step: ExplainStep, depth: number): HTMLElement[] {
  const mark = step.result ? "\u2713 " : "\u2717 ";
  const via = step.relationship ? `   [${step.relationship}]` : "";
  const line = el("div", { class: step.result ? "yes" : "no" }, "  ".repeat(depth) + mark + step.label + via);
  return [line, ...step.children.flatMap((child) => treeLines(child, depth + 1))];
}

/** The engine names a resource that no relationship mentions this way (src/engine/explain.ts). */
const UNKNOWN_OBJECT = "(unknown object)";

export function setUpExplain(): void {
  const form = byId("check-form", HTMLFormElement);
  const answer = byId("answer", HTMLElement);
  const tree = byId("tree", HTMLElement);
  const say = (verdict: string, allowed: boolean, note?: string) =>
    answer.replaceChildren(
      el("span", { class: `verdict ${allowed ? "yes" : "no"}` }, verdict),
      ...(note ? [el("span", { class: "muted" }, note)] : []),
    );
  onSubmit(form, async () => {
    const values = new FormData(form);
    const body = {
      resource: field(values, "resource"),
      permission: field(values, "permission"),
      subject: field(values, "subject"),
    };
    tree.hidden = true;
    answer.replaceChildren();
    // Asked first: a tenant this token may not read is refused (403), not called unknown.
    const result = await api<ExplainAnswer>("POST", `/v1/tenants/${tenant()}/explain`, body);
    // An unknown tenant answers "denied" to everything: say that it is unknown instead.
    let tenants = await knownTenants();
    if (!tenants.includes(tenantName())) {
      // The list is kept from an earlier answer: the tenant may be new since.
      forgetTenants();
      tenants = await knownTenants();
    }
    if (!tenants.includes(tenantName())) {
      say(
        `tenant ${tenantName()} does not exist: no relationship was ever written in it.`,
        false,
        tenants.length ? ` Tenants: ${tenants.join(", ")}.` : "",
      );
      return;
    }
    const revision = `at revision ${result.revision}`;
    if (result.explain.label.startsWith(UNKNOWN_OBJECT)) {
      say(
        `denied: ${body.resource} does not exist in tenant ${tenantName()} (no relationship names it), so nobody has ${body.permission} on it.`,
        false,
        ` ${revision}`,
      );
      return;
    }
    const plain = `${body.subject} ${result.allowed ? "has" : "does not have"} ${body.permission} on ${body.resource}`;
    say(explainSentence(body, result.explain), result.allowed, `${plain} ${revision}; the proof:`);
    tree.replaceChildren(...treeLines(result.explain, 0));
    tree.hidden = false;
  });
}
