import { el } from "./dom.js";
import type { ConsolePlan } from "./responses.js";

/** A lifecycle change's facts, shown above its plan's rows. */

/**
 * What a lifecycle change is about, shown above the access lists: for a deletion what the subject
 * holds and who else loses access (incident 001 purged the duplicate that held the data).
 */
export function lifecycleFacts(plan: Pick<ConsolePlan, "deletion" | "merge" | "purge">): HTMLElement[] {
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
