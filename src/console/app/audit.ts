import { api } from "./api.js";
import { alreadyShown, byId, count, el, field, onSubmit } from "./dom.js";
import type { AuditListView, AuditVerificationView } from "./responses.js";

/** The audit trail, newest first, by actor and action. */

export async function loadAudit(): Promise<void> {
  const form = new FormData(byId("audit-form", HTMLFormElement));
  const query = new URLSearchParams();
  for (const key of ["actor", "action"]) if (field(form, key)) query.set(key, field(form, key));
  const { records } = await api<AuditListView>("GET", `/v1/audit?${query}`);
  byId("audit-table", HTMLTableElement).tBodies[0]!.replaceChildren(
    ...records
      .slice()
      .reverse()
      .map((r) =>
        el(
          "tr",
          {},
          el("td", {}, String(r.seq)),
          el("td", {}, r.at),
          el("td", {}, r.actor),
          el("td", {}, r.action),
          el("td", {}, r.target),
          el("td", {}, r.revision === null ? "" : String(r.revision)),
          el("td", {}, r.reason ?? ""),
        ),
      ),
  );
}

/** Walks the hash chain: every record intact, or the first one edited, removed or reordered. */
async function verifyAudit(): Promise<void> {
  const verdict = byId("audit-verdict", HTMLElement);
  const answer = await api<AuditVerificationView>("GET", "/v1/audit/verify");
  verdict.replaceChildren(
    answer.ok
      ? el(
          "p",
          { class: "ready" },
          `\u2713 The audit trail is intact: ${count(answer.checked)} record(s) checked, each chained to the one before.`,
        )
      : el(
          "p",
          { class: "blocked" },
          `\u2717 The audit trail was tampered with at record ${answer.firstBad?.seq ?? "?"} (${answer.firstBad?.problem ?? "unknown"}): ${answer.firstBad?.message ?? ""}`,
        ),
  );
}

export function setUpAudit(): void {
  onSubmit(byId("audit-form", HTMLFormElement), loadAudit);
  byId("audit-verify", HTMLButtonElement).addEventListener("click", () => {
    verifyAudit().catch(alreadyShown);
  });
}
