import { api, tenant } from "./api.js";
import { button, byId, count, el, field, headedTable, onSubmit } from "./dom.js";
import type { DecisionListView } from "./responses.js";

/**
 * The decision log of the tenant: recorded checks by subject, permission, resource, result and
 * time ("who used this access during the incident window?"), oldest first, a page at a time.
 * Needs a token with role approve.
 */

const PAGE = 500;

type Decision = DecisionListView["decisions"][number];

const name = (o: { type: string; id: string; relation?: string }) =>
  `${o.type}:${o.id}${o.relation ? `#${o.relation}` : ""}`;

function row(d: Decision): HTMLElement {
  return el(
    "tr",
    {},
    el("td", {}, d.seq),
    el("td", {}, d.at),
    el("td", {}, name(d.subject)),
    el("td", {}, d.permission),
    el("td", {}, name(d.resource)),
    el("td", { class: d.allowed ? "yes" : "no" }, d.allowed ? "allowed" : "denied"),
    el("td", {}, d.revision),
  );
}

export function setUpDecisions(): void {
  const form = byId("decisions-form", HTMLFormElement);
  const out = byId("decisions-result", HTMLElement);
  onSubmit(form, async () => {
    const f = new FormData(form);
    const query = new URLSearchParams({ limit: String(PAGE) });
    for (const key of ["subject", "permission", "resource", "result", "since", "until"])
      if (field(f, key)) query.set(key, field(f, key));
    const { table, body } = headedTable(
      ["#", "time", "subject", "permission", "resource", "result", "revision"],
      "recorded checks, oldest first",
    );
    const summary = el("p", { attrs: { role: "status" } });
    const losses = el("div");
    const more = el("p");
    let shown = 0;
    const load = async (afterSeq: number | null): Promise<void> => {
      const page = await api<DecisionListView>(
        "GET",
        `/v1/tenants/${tenant()}/decisions?${query}${afterSeq === null ? "" : `&afterSeq=${afterSeq}`}`,
      );
      body.append(...page.decisions.map(row));
      shown += page.decisions.length;
      const full = page.decisions.length === PAGE;
      summary.textContent = `${count(shown)} recorded check(s)${full ? " so far" : ""}.`;
      const lost = page.lost.reduce((n, l) => n + l.count, 0);
      losses.replaceChildren(
        ...(lost
          ? [
              el(
                "p",
                { class: "notice" },
                `${count(lost)} check(s) in this window could not be recorded: the log may miss them.`,
              ),
            ]
          : []),
      );
      const last = page.decisions.at(-1)?.seq;
      more.replaceChildren(
        ...(full && last !== undefined
          ? [button("More", () => load(last), "", "show more recorded checks")]
          : []),
      );
    };
    await load(null);
    out.replaceChildren(summary, losses, el("div", { class: "scroll" }, table), more);
  });
}
