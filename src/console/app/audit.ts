import { api } from "./api.js";
import { byId, el, field, onSubmit } from "./dom.js";
import type { AuditListView } from "./responses.js";

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

export function setUpAudit(): void {
  onSubmit(byId("audit-form", HTMLFormElement), loadAudit);
}
