import { api } from "./api.js";
import { confirmAction } from "./confirm.js";
import { button, byId, el, onSubmit, table } from "./dom.js";
import type { RolloutStatusView } from "./responses.js";
import { newestShadowReport, shadowReportLines } from "./shadow.js";

/** The newest staged rollout: which tenants the candidate answers and what its deny-rate monitors see. */

function rolloutLines(status: RolloutStatusView): HTMLElement[] {
  const r = status.rollout;
  if (r === null)
    return [
      el(
        "p",
        { class: "muted" },
        "No rollout has run yet: an operator starts one for a planned model change, tenant by tenant.",
      ),
    ];
  const rollBack = async () => {
    const reason = await confirmAction({
      title: `Roll back rollout ${r.id}?`,
      consequence: `Every tenant answers with the active schema again; change ${r.changeId} stays planned.`,
      confirm: `Roll back rollout ${r.id}`,
      reasonRequired: true,
    });
    if (reason === null) return;
    await api("POST", "/v1/rollout/rollback", { reason });
    await loadRollout();
  };
  return [
    el(
      "p",
      { class: r.state === "running" ? "ready" : r.state === "rolled_back" ? "blocked" : "" },
      `Rollout ${r.id} of change ${r.changeId}: ${r.state}, step ${r.step}` +
        (r.tenants.length ? `, tenants ${r.tenants.join(", ")}` : "") +
        (r.percent ? `, ${r.percent}% of tenants` : "") +
        (r.endReason ? ` \u2014 ${r.endReason}` : ""),
    ),
    ...(status.rolledOut.length
      ? [el("p", {}, `Answered by the candidate now: ${status.rolledOut.join(", ")}`)]
      : []),
    ...(status.windows.length === 0
      ? []
      : [
          el("h4", {}, "Deny-rate monitor windows"),
          table(
            ["permission", "checks", "candidate denies", "baseline denies", "window since"],
            status.windows.map((w) => [
              w.permission,
              w.checks,
              w.candidateDenies,
              w.baselineDenies,
              w.windowStartedAt,
            ]),
          ),
        ]),
    ...(r.state === "running" ? [el("p", {}, button("Roll back", rollBack, "danger"))] : []),
  ];
}

/** Reads both, then shows both: the tab never shows a new report beside an old rollout. */
export async function loadRollout(): Promise<void> {
  const shadow = await newestShadowReport();
  const status = await api<RolloutStatusView>("GET", "/v1/rollout");
  byId("shadow-report", HTMLElement).replaceChildren(...shadowReportLines(shadow));
  byId("rollout-status", HTMLElement).replaceChildren(...rolloutLines(status));
}

export function setUpRollout(): void {
  onSubmit(byId("rollout-form", HTMLFormElement), loadRollout);
}
