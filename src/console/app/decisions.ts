import { api, tenant } from "./api.js";
import { byId, count, el, field, onSubmit, table } from "./dom.js";
import type { DecisionListView } from "./responses.js";

/**
 * The decision log of the tenant: recorded checks by subject, permission, resource, result and
 * time ("who used this access during the incident window?"). Needs a token with role approve.
 */

const LIMIT = 1000;

export function setUpDecisions(): void {
  const form = byId("decisions-form", HTMLFormElement);
  onSubmit(form, async () => {
    const f = new FormData(form);
    const query = new URLSearchParams({ limit: String(LIMIT) });
    for (const key of ["subject", "permission", "resource", "result", "since", "until"])
      if (field(f, key)) query.set(key, field(f, key));
    const { decisions, lost } = await api<DecisionListView>(
      "GET",
      `/v1/tenants/${tenant()}/decisions?${query}`,
    );
    const name = (o: { type: string; id: string; relation?: string }) =>
      `${o.type}:${o.id}${o.relation ? `#${o.relation}` : ""}`;
    const losses = lost.reduce((n, l) => n + l.count, 0);
    byId("decisions-result", HTMLElement).replaceChildren(
      el(
        "p",
        { attrs: { role: "status" } },
        `${count(decisions.length)} recorded check(s)${decisions.length === LIMIT ? ` (the first ${count(LIMIT)}; narrow the search for the rest)` : ""}.`,
      ),
      ...(losses
        ? [
            el(
              "p",
              { class: "notice" },
              `${count(losses)} check(s) in this window could not be recorded: the log may miss them.`,
            ),
          ]
        : []),
      el(
        "div",
        { class: "scroll" },
        table(
          ["#", "time", "subject", "permission", "resource", "result", "revision"],
          decisions.map((d) => [
            d.seq,
            d.at,
            name(d.subject),
            d.permission,
            name(d.resource),
            el("span", { class: d.allowed ? "yes" : "no" }, d.allowed ? "allowed" : "denied"),
            d.revision,
          ]),
          "recorded checks, oldest first",
        ),
      ),
    );
  });
}
