import { api } from "./api.js";
import { byId, count, el, field, onSubmit, table } from "./dom.js";
import type { IncidentReportView } from "./responses.js";

/**
 * The incident report of a change: per tenant who gained and who lost access through it, and
 * which of those accesses were used (or denied) while it was live, for the notification.
 */

const ROWS_SHOWN = 200;

type TenantReport = IncidentReportView["tenants"][number];

function tenantPart(t: TenantReport): HTMLElement[] {
  const rows = (list: TenantReport["gained"]) =>
    list.slice(0, ROWS_SHOWN).map((r) => [r.resource, r.permission, r.subject]);
  const used = (list: TenantReport["used"]) =>
    list.slice(0, ROWS_SHOWN).map((u) => [u.subject, u.permission, u.resource, u.checks, u.first, u.last]);
  const more = (n: number) =>
    n > ROWS_SHOWN ? [el("p", { class: "muted" }, `the first ${ROWS_SHOWN} of ${count(n)}`)] : [];
  return [
    el(
      "h3",
      {},
      `Tenant ${t.tenant}: ${count(t.gained.length)} gained, ${count(t.lost.length)} lost, ${count(t.used.length)} used, ${count(t.denied.length)} denied`,
    ),
    ...(t.used.length
      ? [
          el("h4", {}, "Used while live (allowed only because of the change)"),
          table(["subject", "permission", "resource", "checks", "first", "last"], used(t.used)),
          ...more(t.used.length),
        ]
      : []),
    ...(t.denied.length
      ? [
          el("h4", {}, "Denied while live (denied only because of the change)"),
          table(["subject", "permission", "resource", "checks", "first", "last"], used(t.denied)),
          ...more(t.denied.length),
        ]
      : []),
    ...(t.gained.length
      ? [
          el("h4", {}, "Gained"),
          table(["resource", "permission", "subject"], rows(t.gained)),
          ...more(t.gained.length),
        ]
      : []),
    ...(t.lost.length
      ? [
          el("h4", {}, "Lost"),
          table(["resource", "permission", "subject"], rows(t.lost)),
          ...more(t.lost.length),
        ]
      : []),
  ];
}

export function setUpIncident(): void {
  const form = byId("incident-form", HTMLFormElement);
  onSubmit(form, async () => {
    const change = field(new FormData(form), "change");
    const report = await api<IncidentReportView>(
      "GET",
      `/v1/incident-report?change=${encodeURIComponent(change)}`,
    );
    const w = report.window;
    const window = w
      ? `live from revision ${w.fromRevision}${w.since ? ` (${w.since})` : ""} to ${w.toRevision ?? "now"}${w.until ? ` (${w.until})` : ""}` +
        (w.revertedBy ? `, ended by change ${w.revertedBy}` : "")
      : "never applied";
    byId("incident-result", HTMLElement).replaceChildren(
      el(
        "p",
        { attrs: { role: "status" } },
        report.change
          ? `Change ${report.change.id} (${report.change.intent}) by ${report.change.author}: ${report.change.reason}; ${window}; ${count(report.checksRead)} recorded check(s) read.`
          : `${window}; ${count(report.checksRead)} recorded check(s) read.`,
      ),
      ...(report.decisionsLost
        ? [
            el(
              "p",
              { class: "notice" },
              `${count(report.decisionsLost)} check(s) in the window could not be recorded: used and denied may miss that many.`,
            ),
          ]
        : []),
      ...(report.tenants.length
        ? report.tenants.flatMap(tenantPart)
        : [el("p", { class: "muted" }, "No access changed in any tenant.")]),
      ...report.rollouts.map((r) =>
        el(
          "p",
          {},
          `Rollout ${r.rollout} (${r.state}) since ${r.since}: ${r.tenants.length} tenant(s) affected`,
        ),
      ),
    );
  });
}
