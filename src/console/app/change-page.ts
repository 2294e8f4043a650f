import { api } from "./api.js";
import { changeButtons } from "./change-actions.js";
import { loadChanges, onOpenChange } from "./changes.js";
import { alreadyShown, byId, count, el } from "./dom.js";
import { planBrowser } from "./plan-browser.js";
import { lifecycleFacts } from "./plan-facts.js";
import type { ChangeReview, ReviewPlan } from "./responses.js";
import { schemaDiffPanel } from "./schema-diff.js";
import { consoleWording } from "./wording.js";

/**
 * A change's page: where it stands (always as the server has it now, after every action), what
 * its plan does, its guards, a model change's schema diff beside the plan, and the actions the
 * reader may take.
 */

const PLANNED = ["planned", "approved"];

/** The heading's account of where the change stands. */
function standing(review: ChangeReview): string {
  const { change, plan } = review;
  // A purge writes no revision: what it removes goes from the history, not by a new revision.
  if (change.state === "applied")
    return change.appliedRevision === null ? "applied" : `applied at revision ${change.appliedRevision}`;
  if (change.state === "reverted")
    return change.revertedBy === null ? "reverted" : `reverted by change ${change.revertedBy}`;
  if (plan === null) return change.state;
  const planned = `planned at revision ${plan.baseRevision}${plan.planId ? ` as plan ${plan.planId}` : ""}`;
  return PLANNED.includes(change.state) ? planned : `${change.state}; ${planned}`;
}

function status(review: ChangeReview, plan: ReviewPlan): HTMLElement {
  const { change } = review;
  if (PLANNED.includes(change.state))
    return plan.blocked
      ? el("div", { class: "blocked" }, `Blocked: ${plan.blockedBecause.map(consoleWording).join("; ")}`)
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
  if (change.state === "applied" && review.pendingRevert !== null)
    return el(
      "div",
      { class: "ended" },
      `Applied; a revert is under way as change ${review.pendingRevert}. `,
      el(
        "a",
        {
          href: `#change-${review.pendingRevert}`,
          onclick: (event) => {
            event.preventDefault();
            showChange(review.pendingRevert!).catch(alreadyShown);
          },
        },
        `Open change ${review.pendingRevert}`,
      ),
    );
  if (change.state === "applied")
    return el(
      "div",
      { class: "ended" },
      review.actions.includes("revert")
        ? "Applied: Revert proposes a change that undoes it."
        : "Applied: nothing is left to revert (a purge removed what it did).",
    );
  if (change.state === "stale")
    return el("div", { class: "blocked" }, "Stale: plan it again before approving it.");
  return el(
    "div",
    { class: "ended" },
    `${change.state[0]!.toUpperCase()}${change.state.slice(1)}: nothing more to do.`,
  );
}

function guards(plan: ReviewPlan): HTMLElement[] {
  if (plan.guards.length === 0) return [];
  return [
    el("h4", {}, "Guards"),
    el(
      "ul",
      { class: "guards" },
      ...plan.guards.map((g) =>
        el(
          "li",
          { class: g.passed ? "yes" : "no" },
          `${g.passed ? "\u2713 passed" : "\u2717 failed"} ${g.name}: ${consoleWording(g.message)}`,
        ),
      ),
    ),
  ];
}

function approvals(review: ChangeReview): HTMLElement[] {
  if (review.approvals.length === 0) return [];
  return [
    el(
      "p",
      {},
      `Approved by ${review.approvals
        .map(
          (a) =>
            `${a.principal}${a.plan ? ` (plan ${a.plan})` : ""}${a.comment ? `: \u201c${a.comment}\u201d` : ""}`,
        )
        .join("; ")}`,
    ),
  ];
}

/** The change shown, to show again for another reader (its actions depend on who reads it). */
let shown: number | undefined;

export async function showChange(id: number, result?: HTMLElement): Promise<void> {
  const panel = byId("plan", HTMLElement);
  shown = id;
  const review = await api<ChangeReview>("GET", `/v1/changes/${id}/review`);
  const { change, plan } = review;
  const reopen = async (other: number, note?: HTMLElement) => {
    loadChanges().catch(alreadyShown);
    await showChange(other, note);
  };
  const heading = el(
    "h3",
    { attrs: { tabindex: "-1", id: "change-heading" } },
    `Change ${id} (${change.intent}) \u2014 ${standing(review)}`,
  );
  const about = el(
    "p",
    { class: "muted" },
    `tenant ${change.tenant}; proposed by ${change.author} at ${change.createdAt}: ${change.reason}` +
      (change.revertOf === null ? "" : `; it reverts change ${change.revertOf}`),
  );
  if (plan === null) {
    panel.replaceChildren(
      ...(result ? [result] : []),
      heading,
      about,
      el("p", {}, `Change ${id} has no plan yet: planning lists exactly who gains and who loses access.`),
      changeButtons(review, reopen),
    );
    return;
  }
  const browser = await planBrowser(id, plan);
  // A model change's schema diff stands beside its plan: what the text says, and what it does.
  const body = change.model ? el("div", { class: "beside" }, await schemaDiffPanel(id), browser) : browser;
  panel.replaceChildren(
    ...(result ? [result] : []),
    heading,
    about,
    el(
      "p",
      {},
      `${count(plan.counts.lost)} lost, ${count(plan.counts.gained)} gained` +
        (plan.counts.usersetsGained || plan.counts.usersetsLost
          ? ` (and for userset subjects ${count(plan.counts.usersetsLost)} lost, ${count(plan.counts.usersetsGained)} gained)`
          : "") +
        `; data: ${count(plan.data.writes.length)} writes, ${count(plan.data.deletes.length)} deletes`,
    ),
    status(review, plan),
    changeButtons(review, reopen),
    ...approvals(review),
    ...lifecycleFacts(plan),
    ...guards(plan),
    body,
  );
  // After an action the result is read first: focus moves to the page's heading.
  if (result) heading.focus();
}

onOpenChange((id) => showChange(id));
byId("token", HTMLInputElement).addEventListener("change", () => {
  if (shown !== undefined) showChange(shown).catch(alreadyShown);
});
