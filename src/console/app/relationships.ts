import { api, tenant } from "./api.js";
import { button, byId, count, el, field, headedTable, onSubmit } from "./dom.js";
import type { RelationshipPage } from "./responses.js";

/**
 * The relationship browser: the tenant's live relationships (or as of a past revision) by
 * resource, relation and subject, in tuple order, a page at a time with "More".
 */

const PAGE = 200;

export function setUpRelationships(): void {
  const form = byId("relationships-form", HTMLFormElement);
  const out = byId("relationships-result", HTMLElement);
  onSubmit(form, async () => {
    const f = new FormData(form);
    const query = new URLSearchParams({ limit: String(PAGE) });
    for (const key of ["resource", "relation", "subject", "atRevision"])
      if (field(f, key)) query.set(key, field(f, key));
    const { table, body } = headedTable(
      ["relationship", "written at revision"],
      "relationships in tuple order",
    );
    const summary = el("p", { attrs: { role: "status" } });
    const more = el("p");
    let shown = 0;
    const load = async (cursor: string | null): Promise<void> => {
      const page = await api<RelationshipPage>(
        "GET",
        `/v1/tenants/${tenant()}/relationships?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      body.append(
        ...page.relationships.map((r) =>
          el("tr", {}, el("td", {}, r.relationship), el("td", {}, r.createdRevision)),
        ),
      );
      shown += page.relationships.length;
      summary.textContent =
        `${count(shown)} relationship(s)${page.cursor ? " so far" : ""} at revision ${page.revision}` +
        (shown === 0 ? ": none match." : ".");
      const next = page.cursor;
      more.replaceChildren(
        ...(next ? [button("More", () => load(next), "", "show more relationships")] : []),
      );
    };
    await load(null);
    out.replaceChildren(summary, el("div", { class: "scroll" }, table), more);
  });
}
