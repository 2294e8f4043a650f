import { api, tenant } from "./api.js";
import { button, byId, count, el, field, onSubmit } from "./dom.js";
import type { LookupResourcesView, LookupSubjectsView } from "./responses.js";

/**
 * Lookups: who can (the subjects of a type with a permission on a resource) and what can (the
 * resources of a type a subject has a permission on), a page at a time with "More".
 */

const PAGE = 100;

type Lookup = (
  cursor: string | null,
) => Promise<{ items: string[]; cursor: string | null; revision: number }>;

async function show(title: string, lookup: Lookup): Promise<void> {
  const out = byId("lookup-result", HTMLElement);
  const list = el("ul", { attrs: { "aria-label": title } });
  const summary = el("p", { attrs: { role: "status" } });
  let shown = 0;
  const more = async (cursor: string | null): Promise<void> => {
    const page = await lookup(cursor);
    list.append(...page.items.map((item) => el("li", {}, item)));
    shown += page.items.length;
    summary.textContent =
      shown === 0
        ? `${title}: none (at revision ${page.revision}).`
        : `${title}: ${count(shown)}${page.cursor ? " so far" : ""} (at revision ${page.revision}).`;
    const next = page.cursor;
    moreButton.replaceChildren(...(next ? [button("More", () => more(next), "", "show more")] : []));
  };
  const moreButton = el("p");
  await more(null);
  out.replaceChildren(summary, list, moreButton);
}

export function setUpLookups(): void {
  const who = byId("who-form", HTMLFormElement);
  const what = byId("what-form", HTMLFormElement);
  onSubmit(who, async () => {
    const f = new FormData(who);
    const body = {
      resource: field(f, "resource"),
      permission: field(f, "permission"),
      subjectType: field(f, "subjectType"),
    };
    await show(`Who can ${body.permission} ${body.resource}`, async (cursor) => {
      const page = await api<LookupSubjectsView>("POST", `/v1/tenants/${tenant()}/lookup-subjects`, {
        ...body,
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      const shown = (s: { subject: string; excluded: string[] }) =>
        s.subject + (s.excluded.length ? ` (except ${s.excluded.join(", ")})` : "");
      return {
        // Conditional answers (a caveat whose context was not given) are listed, marked so.
        items: [
          ...page.subjects.map(shown),
          ...(page.conditional ?? []).map((c) => `${shown(c)} ${conditionalMark(c.missing)}`),
        ],
        cursor: page.cursor,
        revision: page.revision,
      };
    });
  });
  onSubmit(what, async () => {
    const f = new FormData(what);
    const body = {
      subject: field(f, "subject"),
      permission: field(f, "permission"),
      resourceType: field(f, "resourceType"),
    };
    await show(`What ${body.subject} can ${body.permission}`, async (cursor) => {
      const page = await api<LookupResourcesView>("POST", `/v1/tenants/${tenant()}/lookup-resources`, {
        ...body,
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      return {
        items: [
          ...page.resources,
          ...(page.conditional ?? []).map((c) => `${c.resource} ${conditionalMark(c.missing)}`),
        ],
        cursor: page.cursor,
        revision: page.revision,
      };
    });
  });
}

/** How a conditional lookup answer is marked: the caveat context parameters it waits for. */
function conditionalMark(missing: readonly string[]): string {
  return `(conditional: missing ${missing.join(", ")})`;
}
