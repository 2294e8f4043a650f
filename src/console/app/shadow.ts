import { ApiError, api, showError } from "./api.js";
import { el, table } from "./dom.js";
import type { ShadowReportView } from "./responses.js";

/**
 * The newest shadow session's report. Incident 003 shipped a stricter requirement straight to
 * enforcement: the shadow report says who would be blocked or let in before anyone is.
 */

/** Divergent checks shown; the counts above them are complete. */
const DIVERGENCES_SHOWN = 500;

/** The newest session's report, or why there is none to show. */
export async function newestShadowReport(): Promise<ShadowReportView | string> {
  try {
    return await api<ShadowReportView>("GET", "/v1/shadow");
  } catch (error) {
    if (!(error instanceof ApiError) || (error.kind !== "forbidden" && error.kind !== "not_found"))
      throw error;
    showError("");
    // The report says who was checked on what: it needs an approve token for every tenant.
    return error.kind === "forbidden"
      ? "The shadow report needs a token with role approve, not limited to tenants."
      : "No shadow evaluation has run yet: an operator starts one for a planned model change.";
  }
}

function reportLines(shadow: ShadowReportView): HTMLElement[] {
  const period = shadow.running
    ? `, running since ${shadow.since}`
    : `, ran from ${shadow.since} to ${shadow.until}`;
  const checks = shadow.checks === 1 ? "check" : "checks";
  return [
    el(
      "p",
      {},
      `Session ${shadow.session} of change ${shadow.candidate.change}${period} (started by ${shadow.startedBy}): ` +
        `${shadow.checks} ${checks} observed, ${shadow.wouldBlock} would be blocked, ${shadow.wouldAllow} would be let in.`,
    ),
    table(
      ["tenant", "permission", "would block", "would allow"],
      shadow.byPermission.map((r) => [r.tenant, r.permission, r.wouldBlock, r.wouldAllow]),
    ),
    ...(shadow.divergences.length === 0
      ? []
      : [
          el(
            "h4",
            {},
            `Divergent checks${shadow.truncated ? " (a sample; the counts above are complete)" : ""}`,
          ),
          table(
            ["tenant", "subject", "permission", "resource", "now", "candidate", "checks"],
            shadow.divergences
              .slice(0, DIVERGENCES_SHOWN)
              .map((d) => [
                d.tenant,
                d.subject,
                d.permission,
                d.resource,
                d.active ? "allowed" : "denied",
                d.candidate ? "allowed" : "denied",
                d.count,
              ]),
          ),
        ]),
  ];
}

export function shadowReportLines(shadow: ShadowReportView | string): HTMLElement[] {
  return typeof shadow === "string" ? [el("p", { class: "muted" }, shadow)] : reportLines(shadow);
}
