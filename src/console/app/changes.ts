import { api, tenant } from "./api.js";
import { alreadyShown, byId, el } from "./dom.js";
import { accessList, lifecycleFacts } from "./plan-facts.js";
import type { ChangeDetailView, ChangeListView, ConsolePlan, RevertAnswer } from "./responses.js";

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

/** The change's own facts, beside its plan: what the panel may offer depends on them. */
interface ChangeFacts {
  readonly state: string;
  readonly intent: string | undefined;
  readonly appliedRevision: number | null;
  readonly revertedBy: number | null;
}

async function planOf(
  id: number,
  replan: boolean,
): Promise<{ plan: ConsolePlan; change: ChangeFacts } | null> {
  if (replan) {
    const plan = await api<ConsolePlan>("POST", `/v1/changes/${id}/plan`);
    return {
      plan,
      change: { state: plan.state, intent: plan.intent, appliedRevision: null, revertedBy: null },
    };
  }
  const change = await api<ChangeDetailView>("GET", `/v1/changes/${id}`);
  return change.plan
    ? { plan: { ...change.plan, id: change.id, state: change.state, intent: change.intent }, change }
    : null;
}

/*
 * What each state allows, as the server decides it (src/changes/lifecycle.ts); the panel offers
 * only these, so a reviewer is not shown a button the server would refuse.
 */
const OPEN_STATES = ["proposed", "planned", "approved", "stale"];
const PLANNED_STATES = ["planned", "approved"];

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

/** A revert is a change of its own: applied at once, or waiting (blocked) for what it needs. */
function revert(id: number): () => void {
  return () => {
    api<RevertAnswer>("POST", `/v1/changes/${id}/revert`, {})
      .then((answer) => {
        loadChanges().catch(alreadyShown);
        return showPlan(id, false, revertNotice(answer));
      })
      .catch(alreadyShown);
  };
}

function revertNotice(answer: RevertAnswer): string {
  if (answer.applied) return `Reverted: change ${answer.id} undid it.`;
  const which = `The revert is change ${answer.id}${answer.existing ? " (asked for before)" : ""}`;
  return answer.blocked
    ? `${which}; it is blocked: ${answer.blockedBecause.join("; ")}. Open change ${answer.id} to approve and apply it.`
    : `${which}; it is planned and ready: open change ${answer.id} to apply it.`;
}

function actions(id: number, plan: ConsolePlan, change: ChangeFacts): HTMLElement {
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
  const open = OPEN_STATES.includes(change.state);
  const planned = PLANNED_STATES.includes(change.state);
  const revertible = change.state === "applied" && change.intent !== "purge" && change.revertedBy === null;
  const offered = [
    open && el("button", { onclick: again }, "Plan again"),
    planned && el("button", { class: "primary", onclick: approve }, "Approve"),
    planned && !plan.blocked && el("button", { class: "primary", onclick: act(id, "apply") }, "Apply"),
    revertible && el("button", { class: "danger", onclick: revert(id) }, "Revert"),
    open && el("button", { onclick: act(id, "withdraw", {}) }, "Withdraw"),
    open && el("button", { class: "danger", onclick: reject }, "Reject"),
  ].filter((button) => button !== false);
  return el("p", {}, ...offered.flatMap((button, i) => (i === 0 ? [button] : [" ", button])));
}

/** The heading's account of where the change stands. */
function standing(plan: ConsolePlan, change: ChangeFacts): string {
  // A purge writes no revision: what it removes goes from the history, not by a new revision.
  if (change.state === "applied")
    return change.appliedRevision === null ? "applied" : `applied at revision ${change.appliedRevision}`;
  if (change.state === "reverted")
    return change.revertedBy === null ? "reverted" : `reverted by change ${change.revertedBy}`;
  const planned = `planned at revision ${plan.baseRevision}${plan.planId ? ` as plan ${plan.planId}` : ""}`;
  return PLANNED_STATES.includes(change.state) ? planned : `${change.state}; ${planned}`;
}

function status(plan: ConsolePlan, change: ChangeFacts): HTMLElement {
  if (PLANNED_STATES.includes(change.state))
    return plan.blocked
      ? el("div", { class: "blocked" }, `Blocked: ${plan.blockedBecause.join("; ")}`)
      : el(
          "div",
          { class: "ready" },
          `Ready to apply (${plan.approvals.given} of ${plan.approvals.needed} approvals)`,
        );
  if (change.state === "applied" && change.intent === "purge")
    return el(
      "div",
      { class: "ended" },
      "Applied: a purge cannot be undone; its export bundle holds the rows.",
    );
  if (change.state === "applied")
    return el("div", { class: "ended" }, "Applied: Revert proposes a change that undoes it.");
  if (change.state === "stale")
    return el("div", { class: "blocked" }, "Stale: plan it again before approving it.");
  return el(
    "div",
    { class: "ended" },
    `${change.state[0]!.toUpperCase()}${change.state.slice(1)}: nothing more to do.`,
  );
}

export async function showPlan(id: number, replan: boolean, notice?: string): Promise<void> {
  const panel = byId("plan", HTMLElement);
  const planned = await planOf(id, replan);
  if (!planned) {
    const planIt = () => showPlan(id, true).catch(alreadyShown);
    panel.replaceChildren(
      el("p", {}, `change ${id} has no plan yet `),
      el("button", { class: "primary", onclick: planIt }, "Plan it"),
    );
    return;
  }
  const { plan, change } = planned;
  panel.replaceChildren(
    ...(notice ? [el("p", { class: "notice" }, notice)] : []),
    el("h3", {}, `Change ${id} (${plan.intent ?? ""}) \u2014 ${standing(plan, change)}`),
    el(
      "p",
      {},
      `${plan.gained.length} gained, ${plan.lost.length} lost; data: ${plan.data.writes.length} writes, ${plan.data.deletes.length} deletes`,
    ),
    status(plan, change),
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
    actions(id, plan, change),
  );
}
