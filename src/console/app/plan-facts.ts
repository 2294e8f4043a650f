import { el } from "./dom.js";
import type { AccessRow, ConsolePlan } from "./responses.js";

/** The parts of a plan that read the same whatever the change: its lifecycle facts and access lists. */

/** Rows shown of an access list; the heading gives the full count. */
const ROWS_SHOWN = 500;

export function accessList(title: string, rows: readonly AccessRow[]): HTMLElement[] {
  const subject = (r: AccessRow) => r.subject + (r.except?.length ? ` (except ${r.except.join(", ")})` : "");
  return [
    el("h4", {}, `${title} (${rows.length})`),
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", {}, "tenant"),
          el("th", {}, "resource"),
          el("th", {}, "permission"),
          el("th", {}, "subject"),
        ),
      ),
      el(
        "tbody",
        {},
        ...rows
          .slice(0, ROWS_SHOWN)
          .map((r) =>
            el(
              "tr",
              {},
              el("td", {}, r.tenant),
              el("td", {}, r.resource),
              el("td", {}, r.permission),
              el("td", {}, subject(r)),
            ),
          ),
      ),
    ),
  ];
}

/**
 * What a lifecycle change is about, shown above the access lists: for a deletion what the subject
 * holds and who else loses access (incident 001 purged the duplicate that held the data).
 */
export function lifecycleFacts(plan: ConsolePlan): HTMLElement[] {
  const out: HTMLElement[] = [];
  const d = plan.deletion;
  if (d) {
    const others = d.othersLosing;
    const items = [
      ...d.asSubject.map(
        (l) => `holds ${l.resourceType}#${l.relation} on ${l.distinct} ${l.resourceType}(s)`,
      ),
      ...d.asResource.map(
        (l) => `${l.resourceType}#${l.relation}: ${l.distinct} ${l.subjectType} subject(s)`,
      ),
      ...d.reach.map((r) => `reaches ${r.permission} on ${r.count} ${r.resourceType}(s)`),
      others.subjects === 0
        ? "nobody else loses access"
        : `${others.subjects} other subject(s) lose access to ${others.resources} resource(s): ${others.examples.join(", ")}`,
    ];
    out.push(
      el("h4", {}, `Deletion of ${d.target}: ${d.relationships} relationship(s)`),
      el("ul", {}, ...items.map((t) => el("li", {}, t))),
    );
  }
  const m = plan.merge;
  if (m)
    out.push(
      el("h4", {}, `Merge of ${m.from} into ${m.into}`),
      el(
        "p",
        {},
        `${m.into} gains ${m.intoGains.length} access(es); ${m.othersChanged} access(es) of others change`,
      ),
    );
  const p = plan.purge;
  if (p)
    out.push(
      el("h4", {}, `Purge of ${p.target}: ${p.rows} row(s) for good`),
      el("p", {}, `export ${p.export.path}, sha256 ${p.export.sha256}`),
    );
  return out;
}
