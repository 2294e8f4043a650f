import { api } from "./api.js";
import { confirmAction } from "./confirm.js";
import { button, count, el } from "./dom.js";
import type { ApplyAnswer, ChangeAction, ChangeReview, ConsolePlan, RevertAnswer } from "./responses.js";
import { consoleWording } from "./wording.js";

/**
 * The buttons of a change page: exactly the actions the server says the reader may take now
 * (`actions` of `GET /v1/changes/:id/review`), each followed by its result on the page. Revert,
 * Withdraw and Reject ask first and take a reason, which goes to the API and the audit trail.
 */

/** What the page does after an action: show the change again, with the action's result above it. */
export type Reopen = (id: number, result?: HTMLElement) => Promise<void>;

function notice(...children: (string | Node)[]): HTMLElement {
  return el("div", { class: "notice", attrs: { role: "status" } }, ...children);
}

/** A link that opens another change's page (a revert is a change of its own). */
function changeLink(id: number, reopen: Reopen): HTMLElement {
  return el(
    "a",
    {
      href: `#change-${id}`,
      onclick: (event) => {
        event.preventDefault();
        reopen(id).catch(() => {});
      },
    },
    `Open change ${id}`,
  );
}

function revertResult(answer: RevertAnswer, reopen: Reopen): HTMLElement {
  if (answer.applied)
    return notice(
      `Reverted: change ${answer.id} undid it at once; the access before it is back. `,
      changeLink(answer.id, reopen),
    );
  const which = `The revert is change ${answer.id}${answer.existing ? " (asked for before, still pending)" : ""}`;
  return answer.blocked
    ? notice(
        `${which}. It is blocked: ${answer.blockedBecause.map(consoleWording).join("; ")}. `,
        changeLink(answer.id, reopen),
      )
    : notice(`${which}. It is planned and ready to apply. `, changeLink(answer.id, reopen));
}

function planResult(plan: ConsolePlan): HTMLElement {
  return notice(
    `Planned at revision ${plan.baseRevision}${plan.planId ? ` as plan ${plan.planId}` : ""}: ` +
      `${count(plan.lost.length)} lost, ${count(plan.gained.length)} gained` +
      (plan.blocked
        ? `; blocked: ${plan.blockedBecause.map(consoleWording).join("; ")}`
        : "; ready to apply"),
  );
}

export function changeButtons(review: ChangeReview, reopen: Reopen): HTMLElement {
  const { change, plan } = review;
  const id = change.id;
  const post = <T>(path: string, body?: unknown) => api<T>("POST", `/v1/changes/${id}/${path}`, body);
  const after = (result: HTMLElement) => reopen(id, result);

  const made: Record<ChangeAction, () => HTMLButtonElement> = {
    plan: () =>
      button(
        plan ? "Plan again" : "Plan it",
        async () => after(planResult(await post<ConsolePlan>("plan"))),
        plan ? "" : "primary",
      ),
    // The approval names the plan shown on this page; a newer plan is refused (409), and the
    // reviewer reads that one before approving it.
    approve: () =>
      button(
        `Approve plan ${plan?.planId ?? ""}`.trim(),
        async () => {
          const approved = await post<ConsolePlan & { approved: string }>("approve", { plan: plan?.planId });
          await after(
            notice(
              `Approved plan ${approved.approved} (${approved.approvals.given} of ${approved.approvals.needed} approvals needed)` +
                (approved.blocked
                  ? `; still blocked: ${approved.blockedBecause.map(consoleWording).join("; ")}`
                  : "; it may be applied now"),
            ),
          );
        },
        "primary",
      ),
    apply: () =>
      button(
        "Apply",
        async () => {
          const applied = await post<ApplyAnswer>("apply");
          await after(notice(`Applied at revision ${applied.revision}.`));
        },
        "primary",
      ),
    revert: () =>
      button(
        "Revert",
        async () => {
          const reason = await confirmAction({
            title: `Revert change ${id}?`,
            consequence:
              `This proposes a new change that undoes exactly what change ${id} did. If taking access away ` +
              "needs another person's approval, the revert waits, blocked, until they approve it; otherwise it applies at once.",
            confirm: `Revert change ${id}`,
            reasonRequired: true,
          });
          if (reason === null) return;
          await after(revertResult(await post<RevertAnswer>("revert", { reason }), reopen));
        },
        "danger",
      ),
    withdraw: () =>
      button("Withdraw", async () => {
        const reason = await confirmAction({
          title: `Withdraw change ${id}?`,
          consequence: `Change ${id} ends here: it can no longer be planned, approved or applied. Nothing is written.`,
          confirm: `Withdraw change ${id}`,
          reasonRequired: true,
        });
        if (reason === null) return;
        const withdrawn = await post<{ state: string }>("withdraw", { reason });
        await after(notice(`Change ${id} is ${withdrawn.state}: ${reason}`));
      }),
    reject: () =>
      button(
        "Reject",
        async () => {
          const reason = await confirmAction({
            title: `Reject change ${id}?`,
            consequence: `Change ${id} ends here and its author is told why. Nothing is written.`,
            confirm: `Reject change ${id}`,
            reasonRequired: true,
          });
          if (reason === null) return;
          const rejected = await post<{ state: string }>("reject", { reason });
          await after(notice(`Change ${id} is ${rejected.state}: ${reason}`));
        },
        "danger",
      ),
  };
  const buttons = review.actions.map((action) => made[action]());
  return el(
    "div",
    { class: "actions", attrs: { role: "group", "aria-label": `actions on change ${id}` } },
    ...(buttons.length
      ? buttons
      : [el("span", { class: "muted" }, "No action is open to you on this change.")]),
  );
}
