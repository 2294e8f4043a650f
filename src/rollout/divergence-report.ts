import { compareText } from "../engine/access-diff.js";
import type { DivergenceCount, DivergentCheck } from "../store/shadow-records.js";

/**
 * What shadow evaluation and decision replay both report: out of how many checks, which
 * answered differently under the candidate, counted by tenant and permission, and every
 * distinct divergent check (up to a limit, past which `truncated` says the list is a sample).
 */
export interface DivergenceReport {
  /** Checks observed (shadow) or decisions replayed (replay). */
  readonly checks: number;
  /** Since when: the session's start, or the oldest decision replayed. */
  readonly since: string | null;
  /** Until when: the session's stop (null while it runs), or the newest decision replayed. */
  readonly until: string | null;
  readonly candidate: { readonly change: number };
  readonly wouldBlock: number;
  readonly wouldAllow: number;
  /** Ordered by tenant, permission. `permission` is `type#permission`. */
  readonly byPermission: readonly PermissionDivergence[];
  readonly divergences: readonly DivergentCheck[];
  readonly truncated: boolean;
}

export interface PermissionDivergence {
  readonly tenant: string;
  readonly permission: string;
  readonly wouldBlock: number;
  readonly wouldAllow: number;
}

/** Folds counts by direction into one row per tenant and permission, with totals. */
export function summarise(counts: readonly DivergenceCount[]): {
  byPermission: PermissionDivergence[];
  wouldBlock: number;
  wouldAllow: number;
} {
  const rows = new Map<
    string,
    { tenant: string; permission: string; wouldBlock: number; wouldAllow: number }
  >();
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
    } else {
      row.wouldAllow += c.count;
      wouldAllow += c.count;
    }
  }
  const byPermission = [...rows.values()].sort((a, b) =>
    a.tenant === b.tenant ? compareText(a.permission, b.permission) : compareText(a.tenant, b.tenant),
  );
  return { byPermission, wouldBlock, wouldAllow };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The report for people: who would be blocked and who would be let in, grouped by tenant and
 * permission, one subject and resource a line.
 */
export function formatDivergenceReport(report: DivergenceReport, heading: string): string {
  const lines = [heading];
  if (report.wouldBlock === 0 && report.wouldAllow === 0) {
    lines.push(`no divergence in ${plural(report.checks, "check")}: the candidate answered every one alike`);
    return lines.join("\n");
  }
  const sections: Array<[string, boolean, number]> = [
    ["would be BLOCKED (allowed now, denied by the candidate)", true, report.wouldBlock],
    ["would be LET IN (denied now, allowed by the candidate)", false, report.wouldAllow],
  ];
  for (const [title, active, total] of sections) {
    if (total === 0) continue;
    lines.push("", `${plural(total, "check")} ${title}:`);
    const groups = new Map<string, DivergentCheck[]>();
    for (const d of report.divergences) {
      if (d.active !== active) continue;
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
    lines.push(
      "",
      `more distinct checks diverged than are kept: the list above is a sample of ${report.divergences.length}; the counts are complete`,
    );
  }
  return lines.join("\n");
}
