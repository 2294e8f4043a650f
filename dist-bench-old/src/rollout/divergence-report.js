import { compareText } from "../engine/access-diff.js";
/** Folds counts by direction into one row per tenant and permission, with totals. */
export function summarise(counts) {
    const rows = new Map();
    let wouldBlock = 0;
    let wouldAllow = 0;
    for (const c of counts) {
        const key = `${c.tenant}\n${c.permission}`;
        let row = rows.get(key);
        if (!row) {
            row = { tenant: c.tenant, permission: c.permission, wouldBlock: 0, wouldAllow: 0 };
            rows.set(key, row);
        }
        if (c.direction === "would_block") {
            row.wouldBlock += c.count;
            wouldBlock += c.count;
        }
        else {
            row.wouldAllow += c.count;
            wouldAllow += c.count;
        }
    }
    const byPermission = [...rows.values()].sort((a, b) => a.tenant === b.tenant ? compareText(a.permission, b.permission) : compareText(a.tenant, b.tenant));
    return { byPermission, wouldBlock, wouldAllow };
}
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/**
 * The report for people: who would be blocked and who would be let in, grouped by tenant and
 * permission, one subject and resource a line.
 */
export function formatDivergenceReport(report, heading) {
    const lines = [heading];
    if (report.wouldBlock === 0 && report.wouldAllow === 0) {
        lines.push(`no divergence in ${plural(report.checks, "check")}: the candidate answered every one alike`);
        return lines.join("\n");
    }
    const sections = [
        ["would be BLOCKED (allowed now, denied by the candidate)", true, report.wouldBlock],
        ["would be LET IN (denied now, allowed by the candidate)", false, report.wouldAllow],
    ];
    for (const [title, active, total] of sections) {
        if (total === 0)
            continue;
        lines.push("", `${plural(total, "check")} ${title}:`);
        const groups = new Map();
        for (const d of report.divergences) {
            if (d.active !== active)
                continue;
            const key = `tenant ${d.tenant}, ${d.resource.split(":")[0]}#${d.permission}`;
            let group = groups.get(key);
            if (!group) {
                group = [];
                groups.set(key, group);
            }
            group.push(d);
        }
        for (const [key, group] of groups) {
            const subjects = new Set(group.map((d) => d.subject));
            lines.push(`  ${key}: ${plural(subjects.size, "subject")}`);
            for (const d of group)
                lines.push(`    ${d.subject} on ${d.resource}${d.count > 1 ? ` (${d.count} times)` : ""}`);
        }
    }
    if (report.truncated) {
        lines.push("", `more distinct checks diverged than are kept: the list above is a sample of ${report.divergences.length}; the counts are complete`);
    }
    return lines.join("\n");
}
//# sourceMappingURL=divergence-report.js.map