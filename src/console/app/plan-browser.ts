import { api, apiText } from "./api.js";
import { alreadyShown, button, count, el, headedTable } from "./dom.js";
import type { PlanRowsView, ReviewPlan } from "./responses.js";

/**
 * A plan's rows as a reviewer reads them: the summary first (by tenant, resource type and
 * permission, with counts), then the rows one page at a time, narrowed by a summary line or by
 * text, and exported as CSV. A plan is exact, so it may list 100,000 rows; the page asks the
 * server for one page (`/v1/changes/:id/plan/rows`) and the tab never holds or draws them all.
 */

const PAGE_SIZES = [50, 100, 500] as const;
/** Summary lines drawn before "show all": a model change can touch many tenants. */
const SUMMARY_SHOWN = 50;
/** Typing pauses this long before the rows are asked for again. */
const TYPING_PAUSE_MS = 250;

interface Narrowing {
  /** "true": the rows of userset subjects (`group:eng#member`), which a plan lists apart. */
  usersets: "" | "true";
  change: "" | "gained" | "lost";
  tenant: string;
  resourceType: string;
  subject: string;
  resource: string;
  permission: string;
}

function input(name: string, label: string, placeholder: string): HTMLInputElement {
  return el("input", {
    attrs: { name, type: "search", placeholder, "aria-label": label, autocomplete: "off" },
  });
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  return el("label", {}, text, control);
}

/** The plan's summary and first page of rows, ready to show (the first page is in). */
export async function planBrowser(id: number, plan: ReviewPlan): Promise<HTMLElement> {
  const narrowing: Narrowing = {
    usersets: "",
    change: "",
    tenant: "",
    resourceType: "",
    subject: "",
    resource: "",
    permission: "",
  };
  let offset = 0;
  let pageSize: number = 100;
  let asked = 0;

  const subject = input("subject", "subject contains", "user:ann");
  const resource = input("resource", "resource contains", "document:");
  const permission = input("permission", "permission contains", "view");
  const side = el(
    "select",
    { attrs: { name: "change", "aria-label": "gained or lost" } },
    el("option", { attrs: { value: "" } }, "gained and lost"),
    el("option", { attrs: { value: "lost" } }, "lost only"),
    el("option", { attrs: { value: "gained" } }, "gained only"),
  );
  const kind = el(
    "select",
    { attrs: { name: "usersets", "aria-label": "plain or userset subjects" } },
    el("option", { attrs: { value: "" } }, "plain subjects"),
    el("option", { attrs: { value: "true" } }, "userset subjects"),
  );
  const size = el(
    "select",
    { attrs: { name: "size", "aria-label": "rows per page" } },
    ...PAGE_SIZES.map((n) =>
      el(
        "option",
        { attrs: n === pageSize ? { value: String(n), selected: "" } : { value: String(n) } },
        `${n} a page`,
      ),
    ),
  );
  const scope = el("p", { class: "scope", attrs: { "aria-live": "polite" } });
  const status = el("p", { class: "page-status", attrs: { role: "status", "aria-live": "polite" } });
  const { table: rows, body } = headedTable(
    ["access", "tenant", "resource", "permission", "subject", "condition"],
    `Plan rows of change ${id}`,
    "plan-rows",
  );
  const first = button("\u00ab First", () => go(0), "", "first page");
  const previous = button("\u2039 Previous", () => go(offset - pageSize), "", "previous page");
  const next = button("Next \u203a", () => go(offset + pageSize), "", "next page");
  const last = button("Last \u00bb", () => go(Number.POSITIVE_INFINITY), "", "last page");
  const where = el("span", { class: "page-of" });
  let matched = 0;

  const query = (withPage: boolean) => {
    // Every page comes from the plan this page shows, or the server says it was planned again.
    const q = new URLSearchParams(plan.planId ? { plan: plan.planId } : {});
    for (const [key, value] of Object.entries(narrowing)) if (value) q.set(key, value);
    if (withPage) {
      q.set("offset", String(offset));
      q.set("limit", String(pageSize));
    }
    return q;
  };

  async function go(to: number): Promise<void> {
    const lastStart = matched === 0 ? 0 : Math.floor((matched - 1) / pageSize) * pageSize;
    offset = Math.max(0, Math.min(to, lastStart));
    await load();
  }

  async function load(): Promise<void> {
    const mine = ++asked;
    const page = await api<PlanRowsView>("GET", `/v1/changes/${id}/plan/rows?${query(true)}`);
    // A newer question was asked while this one was out: its answer is the one to show.
    if (mine !== asked) return;
    matched = page.matched;
    body.replaceChildren(
      ...page.rows.map((r) =>
        el(
          "tr",
          { class: r.change },
          el("td", {}, r.change),
          el("td", {}, r.tenant),
          el("td", {}, r.resource),
          el("td", {}, r.permission),
          el("td", {}, r.subject + (r.except?.length ? ` (except ${r.except.join(", ")})` : "")),
          el("td", { class: "condition" }, conditionText(r)),
        ),
      ),
    );
    const pages = Math.max(1, Math.ceil(page.matched / pageSize));
    const current = Math.floor(page.offset / pageSize) + 1;
    status.textContent =
      page.matched === 0
        ? `No rows match (${count(page.total)} in the plan).`
        : `Rows ${count(page.offset + 1)}\u2013${count(page.offset + page.rows.length)} of ${count(page.matched)} matching` +
          (page.matched === page.total ? "" : ` (${count(page.total)} in the plan)`);
    where.textContent = `page ${count(current)} of ${count(pages)}`;
    first.disabled = previous.disabled = page.offset === 0;
    next.disabled = last.disabled = page.offset + pageSize >= page.matched;
  }

  const reload = () => {
    offset = 0;
    load().catch(alreadyShown);
  };
  let pause: ReturnType<typeof setTimeout> | undefined;
  for (const [box, key] of [
    [subject, "subject"],
    [resource, "resource"],
    [permission, "permission"],
  ] as const)
    box.addEventListener("input", () => {
      narrowing[key] = box.value.trim();
      clearTimeout(pause);
      pause = setTimeout(reload, TYPING_PAUSE_MS);
    });
  side.addEventListener("change", () => {
    narrowing.change = side.value as Narrowing["change"];
    reload();
  });
  kind.addEventListener("change", () => {
    narrowing.usersets = kind.value as Narrowing["usersets"];
    reload();
  });
  size.addEventListener("change", () => {
    pageSize = Number(size.value);
    reload();
  });

  const showScope = () => {
    const parts = [
      narrowing.tenant && `tenant ${narrowing.tenant}`,
      narrowing.resourceType && `${narrowing.resourceType} resources`,
    ];
    const named = parts.filter(Boolean);
    scope.replaceChildren(
      ...(named.length
        ? [
            `Narrowed to ${named.join(", ")} `,
            button("Show every tenant and type", async () => {
              narrowing.tenant = "";
              narrowing.resourceType = "";
              showScope();
              reload();
            }),
          ]
        : []),
    );
  };
  const narrowTo = (line: ReviewPlan["summary"][number]) => async () => {
    narrowing.tenant = line.tenant;
    narrowing.resourceType = line.resourceType;
    narrowing.permission = line.permission;
    permission.value = line.permission;
    showScope();
    offset = 0;
    await load();
  };

  const exportCsv = async () => {
    const csv = await apiText(`/v1/changes/${id}/plan/rows.csv?${query(false)}`);
    const link = el("a", {
      href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })),
      attrs: { download: `change-${id}-plan.csv` },
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  const summaryRows = (lines: readonly ReviewPlan["summary"][number][]) =>
    lines.map((s) =>
      el(
        "tr",
        {},
        el("td", {}, s.tenant),
        el("td", {}, s.resourceType),
        el("td", {}, s.permission),
        el("td", { class: s.gained ? "num gained" : "num" }, count(s.gained)),
        el("td", { class: s.lost ? "num lost" : "num" }, count(s.lost)),
        el("td", { class: "num" }, count(s.resources)),
        el("td", { class: "num" }, count(s.subjects)),
        el(
          "td",
          {},
          button("Rows", narrowTo(s), "", `rows of ${s.tenant} ${s.resourceType} ${s.permission}`),
        ),
      ),
    );
  const { table: summaryTable, body: summaryBody } = headedTable(
    ["tenant", "resource type", "permission", "gained", "lost", "resources", "subjects", "rows"],
    "access changed by tenant, resource type and permission",
    "summary",
  );
  summaryBody.append(...summaryRows(plan.summary.slice(0, SUMMARY_SHOWN)));
  const more =
    plan.summary.length > SUMMARY_SHOWN
      ? [
          button(`Show all ${count(plan.summary.length)} summary lines`, async () => {
            summaryBody.replaceChildren(...summaryRows(plan.summary));
          }),
        ]
      : [];

  const filters = el(
    "form",
    { class: "filters", attrs: { role: "search", "aria-label": "filter plan rows" } },
    labelled("subject", subject),
    labelled("resource", resource),
    labelled("permission", permission),
    labelled("access", side),
    // Userset subjects' rows are offered only when the plan has some.
    ...(plan.counts.usersetsGained + plan.counts.usersetsLost > 0 ? [labelled("subjects", kind)] : []),
    labelled("page size", size),
    button("Export CSV", exportCsv, "", "export the rows that match as CSV"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    reload();
  });

  await load();
  return el(
    "section",
    { class: "plan-browser", attrs: { "aria-label": `plan of change ${id}` } },
    el("h4", {}, `Summary: ${count(plan.counts.lost)} lost, ${count(plan.counts.gained)} gained`),
    el("div", { class: "scroll" }, summaryTable),
    ...more,
    el("h4", {}, "Rows"),
    filters,
    scope,
    status,
    el("div", { class: "scroll" }, rows),
    el("nav", { class: "pager", attrs: { "aria-label": "plan pages" } }, first, previous, where, next, last),
  );
}

type PlanRow = PlanRowsView["rows"][number];
type Condition = NonNullable<PlanRow["conditional"]>;

/**
 * How a row over caveated or expiring data qualifies its access, as the CLI's plan says it:
 * which caveats (with the relationship's context), which parameters a check must give, and
 * when an expiring grant ends. Empty for a plain row.
 */
export function conditionText(r: PlanRow): string {
  const on = (c: Condition) =>
    `${c.caveats.map((k) => (k.context ? `${k.name} ${JSON.stringify(k.context)}` : k.name)).join(", ")} (missing ${c.missing.join(", ")})`;
  return [
    r.conditional ? `only under ${on(r.conditional)}` : "",
    r.stillConditional ? `still under ${on(r.stillConditional)}` : "",
    r.wasConditional ? `was under ${on(r.wasConditional)}` : "",
    r.until ? `until ${r.until}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}
