import { api } from "./api.js";
import { el } from "./dom.js";
import type { SchemaDiffView } from "./responses.js";

/**
 * A model change's schema beside its plan: the lines it removes and adds against the schema its
 * plan was computed on (incident 002 was a schema edit whose reach nobody saw before it shipped).
 */

const MARK = { same: " ", removed: "-", added: "+" } as const;

export async function schemaDiffPanel(id: number): Promise<HTMLElement> {
  const diff = await api<SchemaDiffView>("GET", `/v1/changes/${id}/schema-diff`);
  const base =
    diff.before.version === null
      ? `no schema before (revision ${diff.before.revision})`
      : `against schema version ${diff.before.version} (revision ${diff.before.revision})`;
  const removed = diff.lines.filter((l) => l.op === "removed").length;
  const added = diff.lines.filter((l) => l.op === "added").length;
  return el(
    "section",
    { class: "schema-diff", attrs: { "aria-label": `schema diff of change ${id}` } },
    el("h4", {}, `Schema diff ${base}: ${added} line(s) added, ${removed} removed`),
    ...(diff.changedPermissions.length
      ? [el("p", {}, `Meaning changes for: ${diff.changedPermissions.join(", ")}`)]
      : []),
    el(
      "pre",
      { class: "diff", attrs: { tabindex: "0" } },
      ...diff.lines.map((l) =>
        el(
          "div",
          { class: `diff-${l.op}`, attrs: l.op === "same" ? {} : { "aria-label": `${l.op}: ${l.text}` } },
          `${MARK[l.op]} ${l.text}`,
        ),
      ),
    ),
  );
}
