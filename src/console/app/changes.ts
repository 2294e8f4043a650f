import { api, tenant } from "./api.js";
import { alreadyShown, byId, el } from "./dom.js";
import { accessList, lifecycleFacts } from "./plan-facts.js";
import type { ChangeDetailView, ChangeListView, ConsolePlan } from "./responses.js";

/** The changes of the tenant, and the change panel: a change's plan and what may be done with it. */

export async function loadChanges(): Promise<void> {
  const { changes } = await api<ChangeListView>("GET", `/v1/changes?tenant=${tenant()}`);
  const open = (id: number) => (event: MouseEvent) => {
    event.preventDefault();
    showPlan(id, false).catch(alreadyShown);
  };
  byId("changes-table", HTMLTableElement).tBodies[0]!.replaceChildren(
    ...changes.map((c) =>
      el(
        "tr",
        {},
        el("td", {}, el("a", { href: "#", onclick: open(c.id) }, String(c.id))),
        el("td", {}, c.state),
        el("td", {}, c.intent),
        el("td", {}, c.author),
        el("td", {}, c.reason),
      ),
    ),
  );
}

async function planOf(id: number, replan: boolean): Promise<ConsolePlan | null> {
  if (replan) return api<ConsolePlan>("POST", `/v1/changes/${id}/plan`);
  const change = await api<ChangeDetailView>("GET", `/v1/changes/${id}`);
  return change.plan ? { ...change.plan, id: change.id, state: change.state, intent: change.intent } : null;
}

/** Acts on the change, then shows the list and the panel as they are now. */
function act(id: number, path: string, body?: unknown): () => void {
  return () => {
    api("POST", `/v1/changes/${id}/${path}`, body)
      .then(() => {
        loadChanges().catch(alreadyShown);
        return showPlan(id, false);
      })
      .catch(alreadyShown);
  };
}

function actions(id: number, plan: ConsolePlan): HTMLElement {
  const again = () => showPlan(id, true).catch(alreadyShown);
  // The approval names the plan shown here; a newer plan (someone planned again) is refused
  // with a 409, and the reviewer reads the newer one before approving it.
  const approve = () =>
    api("POST", `/v1/changes/${id}/approve`, { plan: plan.planId })
      .then(() => showPlan(id, false))
      .catch(alreadyShown);
  const reject = () => {
    const reason = prompt(`Why reject change ${id}?`);
    if (reason) act(id, "reject", { reason })();
  };
  return el(
    "p",
    {},
    el("button", { onclick: again }, "Plan again"),
    " ",
    el("button", { class: "primary", onclick: approve }, "Approve"),
    " ",
    el("button", { class: "primary", onclick: act(id, "apply") }, "Apply"),
    " ",
    el("button", { class: "danger", onclick: act(id, "revert", {}) }, "Revert"),
    " ",
    el("button", { onclick: act(id, "withdraw", {}) }, "Withdraw"),
    " ",
    el("button", { class: "danger", onclick: reject }, "Reject"),
  );
}

export async function showPlan(id: number, replan: boolean): Promise<void> {
  const panel = byId("plan", HTMLElement);
  const plan = await planOf(id, replan);
  if (!plan) {
    const planIt = () => showPlan(id, true).catch(alreadyShown);
    panel.replaceChildren(
      el("p", {}, `change ${id} has no plan yet `),
      el("button", { class: "primary", onclick: planIt }, "Plan it"),
    );
    return;
  }
  const status = plan.blocked
    ? el("div", { class: "blocked" }, `Blocked: ${plan.blockedBecause.join("; ")}`)
    : el(
        "div",
        { class: "ready" },
        `Ready to apply (${plan.approvals.given} of ${plan.approvals.needed} approvals)`,
      );
  const planned = `planned at revision ${plan.baseRevision}${plan.planId ? ` as plan ${plan.planId}` : ""}`;
  panel.replaceChildren(
    el("h3", {}, `Change ${id} (${plan.intent ?? ""}) \u2014 ${planned}`),
    el(
      "p",
      {},
      `${plan.gained.length} gained, ${plan.lost.length} lost; data: ${plan.data.writes.length} writes, ${plan.data.deletes.length} deletes`,
    ),
    status,
    ...lifecycleFacts(plan),
    el("h4", {}, "Guards"),
    el(
      "ul",
      {},
      ...plan.guards.map((g) =>
        el(
          "li",
          { class: g.passed ? "yes" : "no" },
          `${g.passed ? "\u2713" : "\u2717"} ${g.name}: ${g.message}`,
        ),
      ),
    ),
    ...accessList("Lost", plan.lost),
    ...accessList("Gained", plan.gained),
    actions(id, plan),
  );
}
