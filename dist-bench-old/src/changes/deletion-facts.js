import { permissionsOf } from "../engine/access-diff.js";
import { objectOf } from "./merge.js";
const EXAMPLES = 10;
/**
 * Computes the facts on the live index, before the deletion's delta (call it before planning,
 * or at least not while the delta is applied).
 */
export function deletionFacts(input) {
    const { subject } = input;
    const isSubject = (o) => subject !== undefined && o.type === subject.type && o.id === subject.id;
    const asResource = new Map();
    const asSubject = new Map();
    const count = (into, r, distinctKey) => {
        const key = `${r.resource.type}#${r.relation}@${r.subject.type}`;
        const entry = into.get(key) ?? {
            line: {
                resourceType: r.resource.type,
                relation: r.relation,
                subjectType: r.subject.type,
                count: 0,
                distinct: 0,
            },
            seen: new Set(),
        };
        into.set(key, entry);
        entry.seen.add(distinctKey);
        entry.line = { ...entry.line, count: entry.line.count + 1, distinct: entry.seen.size };
    };
    for (const r of input.deletes) {
        // A tenant deletion has no one subject: every relationship counts by its resource side.
        if (subject === undefined || isSubject(r.resource))
            count(asResource, r, `${r.subject.type}:${r.subject.id}`);
        if (isSubject(r.subject))
            count(asSubject, r, `${r.resource.type}:${r.resource.id}`);
    }
    const lines = (m) => [...m.values()].map((e) => e.line).sort((a, b) => b.count - a.count || compare(a, b));
    const reach = [];
    if (subject !== undefined && input.engine.hasTenant(input.tenant)) {
        for (const type of input.schema.types) {
            for (const member of permissionsOf(type)) {
                let found;
                try {
                    found = input.engine.lookupResources(input.tenant, type.name, member.name, subject, input.schema);
                }
                catch {
                    continue; // a permission this subject type can never hold
                }
                if (found.length === 0)
                    continue;
                found.sort();
                reach.push({
                    resourceType: type.name,
                    permission: member.name,
                    count: found.length,
                    examples: found.slice(0, 5).map((id) => `${type.name}:${id}`),
                });
            }
        }
    }
    const target = subject ? `${subject.type}:${subject.id}` : undefined;
    const others = input.lost.filter((row) => objectOf(row.subject) !== target);
    const byPermission = new Map();
    for (const row of others) {
        const key = `${row.resource.split(":")[0]}#${row.permission}`;
        const entry = byPermission.get(key) ?? { subjects: new Set(), resources: new Set() };
        byPermission.set(key, entry);
        entry.subjects.add(row.subject);
        entry.resources.add(row.resource);
    }
    const subjects = [...new Set(others.map((r) => r.subject))].sort();
    return {
        scope: input.scope,
        target: input.target,
        relationships: input.deletes.length,
        asResource: lines(asResource),
        asSubject: lines(asSubject),
        reach,
        othersLosing: {
            subjects: subjects.length,
            resources: new Set(others.map((r) => r.resource)).size,
            accesses: others.length,
            byPermission: [...byPermission.entries()].map(([key, e]) => {
                const [resourceType, permission] = key.split("#");
                return { resourceType, permission, subjects: e.subjects.size, resources: e.resources.size };
            }),
            examples: subjects.slice(0, EXAMPLES),
        },
    };
}
function compare(a, b) {
    const x = `${a.resourceType}#${a.relation}@${a.subjectType}`;
    const y = `${b.resourceType}#${b.relation}@${b.subjectType}`;
    return x < y ? -1 : x > y ? 1 : 0;
}
/** The facts as the lines at the top of a plan, for people. */
export function formatDeletionFacts(facts) {
    const what = facts.scope === "tenant" ? `tenant \`${facts.target}\`` : `\`${facts.target}\``;
    const lines = [
        `deletion of ${what}: ${facts.relationships} relationship${facts.relationships === 1 ? "" : "s"} removed`,
    ];
    if (facts.relationships === 0)
        lines.push("  it holds nothing");
    for (const l of facts.asSubject)
        lines.push(`  holds: ${l.resourceType}#${l.relation} on ${l.distinct} ${l.resourceType}${l.distinct === 1 ? "" : "s"} (${l.count} relationship${l.count === 1 ? "" : "s"})`);
    for (const l of facts.asResource)
        lines.push(`  ${facts.scope === "tenant" ? "has" : "its"} ${l.resourceType}#${l.relation}: ${l.distinct} ${l.subjectType} subject${l.distinct === 1 ? "" : "s"} (${l.count} relationship${l.count === 1 ? "" : "s"})`);
    for (const r of facts.reach)
        lines.push(`  reaches: ${r.permission} on ${r.count} ${r.resourceType}${r.count === 1 ? "" : "s"} (${r.examples.join(", ")}${r.count > r.examples.length ? ", …" : ""})`);
    const o = facts.othersLosing;
    lines.push(o.subjects === 0
        ? "  nobody else loses access"
        : `  others lose access: ${o.subjects} subject${o.subjects === 1 ? " loses" : "s lose"} ${o.accesses} access${o.accesses === 1 ? "" : "es"} to ${o.resources} resource${o.resources === 1 ? "" : "s"} (${o.examples.join(", ")}${o.subjects > o.examples.length ? ", …" : ""})`);
    for (const p of o.byPermission)
        lines.push(`    ${p.resourceType}#${p.permission}: ${p.subjects} subject${p.subjects === 1 ? "" : "s"} on ${p.resources} resource${p.resources === 1 ? "" : "s"}`);
    return lines;
}
//# sourceMappingURL=deletion-facts.js.map