import type {
  IncidentReport,
  RangeRow,
  RolloutIncident,
  TenantIncident,
  UsedAccess,
} from "./incident-report.js";

/** Rows shown per list in Markdown; the JSON form always has them all. */
const SHOWN = 200;

/**
 * The incident report as Markdown, for the people who notify customers: one section per tenant,
 * what happened in a sentence, then who used an access they should not have had and whose work
 * was refused and must be redone, then the full gained and lost lists.
 */
export function incidentMarkdown(report: IncidentReport): string {
  const lines: string[] = [];
  const title = report.change
    ? `# Incident report: change ${report.change.id} (${report.change.intent})`
    : `# Incident report: revisions ${report.fromRevision} to ${report.toRevision}`;
  lines.push(title, "");
  if (report.change)
    lines.push(`Change ${report.change.id} by ${report.change.author}: "${report.change.reason}".`);
  const window = report.window;
  if (window === null) {
    lines.push(
      "It was never applied: it was only rolled out, and its candidate answered the checks below.",
      "",
    );
    for (const r of report.rollouts) lines.push(...rolloutSection(r));
    return lines.join("\n");
  }
  const end =
    window.toRevision === null
      ? "and is still live"
      : window.revertedBy !== null
        ? `until change ${window.revertedBy} ${window.endedBy === "restore" ? "restored what it deleted" : "reverted it"} at revision ${window.toRevision + 1}${window.until ? ` (${window.until})` : ""}`
        : `until revision ${window.toRevision}${window.until ? ` (${window.until})` : ""}`;
  lines.push(
    `Live from revision ${window.fromRevision}${window.since ? ` (${window.since})` : ""} ${end}. ` +
      `${report.checksRead} recorded check${report.checksRead === 1 ? "" : "s"} of that window were read from the decision log.`,
    "",
  );
  if (report.decisionsLost > 0)
    lines.push(
      `**${report.decisionsLost} check${report.decisionsLost === 1 ? "" : "s"} answered in that window (any tenant) ${report.decisionsLost === 1 ? "has" : "have"} no record** (the decision log counted ${report.decisionsLost === 1 ? "it" : "them"} as lost): the lists below may miss ${report.decisionsLost === 1 ? "it" : "them"}.`,
      "",
    );
  if (report.tenants.length === 0) lines.push("No access changed: nobody gained or lost anything.", "");
  for (const t of report.tenants) lines.push(...tenantSection(t, "##", "the change"));
  for (const r of report.rollouts) lines.push(...rolloutSection(r));
  return lines.join("\n");
}

function tenantSection(t: TenantIncident, level: string, cause: string): string[] {
  return [
    `${level} Tenant \`${t.tenant}\``,
    "",
    `${count(t.gained.length, "access")} gained, ${count(t.lost.length, "access")} lost; ` +
      `${count(t.used.length, "gained access", "gained accesses")} used, ${count(t.denied.length, "lost access", "lost accesses")} denied.`,
    "",
    `${level}# Wrong accesses used (allowed only because of ${cause})`,
    "",
    ...usedTable(t.used),
    "",
    `${level}# Checks to redo (denied only because of ${cause})`,
    "",
    ...usedTable(t.denied),
    "",
    `${level}# Gained`,
    "",
    ...rowList(t.gained),
    "",
    `${level}# Lost`,
    "",
    ...rowList(t.lost),
    "",
  ];
}

/** A rollout's window: where and while the candidate answered, then each rolled-out tenant. */
function rolloutSection(r: RolloutIncident): string[] {
  const end =
    r.until === null
      ? "and is still running"
      : `until ${r.until} (${r.state === "rolled_back" ? "rolled back" : "completed"}${r.endedBy ? ` by ${r.endedBy}` : ""}${r.endReason ? `: ${r.endReason}` : ""})`;
  const steps = r.steps
    .map(
      (s) =>
        `${s.at}: ${[...(s.tenants.length > 0 ? [`tenants ${s.tenants.join(", ")}`] : []), ...(s.percent > 0 ? [`${s.percent}% of tenants`] : [])].join(" and ")}`,
    )
    .join("; ");
  const lines = [
    `## Rollout ${r.rollout}`,
    "",
    `The candidate answered from ${r.since} ${end}. Steps: ${steps}. ` +
      `Compared with the active schema${r.activeSchema !== null ? ` (version ${r.activeSchema})` : ""} on the data of revision ${r.baseRevision}; ` +
      `${r.checksRead} recorded check${r.checksRead === 1 ? "" : "s"} answered by the candidate were read from the decision log.`,
    "",
  ];
  if (r.tenants.length === 0) lines.push("No tenant was rolled out.", "");
  for (const t of r.tenants) lines.push(...tenantSection(t, "###", "the candidate"));
  return lines;
}

function count(n: number, one: string, many = `${one}es`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function usedTable(list: readonly UsedAccess[]): string[] {
  if (list.length === 0) return ["None recorded."];
  const rows = ["| subject | permission | resource | checks | first | last |", "|---|---|---|---:|---|---|"];
  for (const u of list.slice(0, SHOWN))
    rows.push(
      `| \`${cell(u.subject)}\` | ${u.permission} | \`${cell(u.resource)}\` | ${u.checks} | ${u.first} | ${u.last} |`,
    );
  if (list.length > SHOWN) rows.push(`| … and ${list.length - SHOWN} more (see \`--json\`) | | | | | |`);
  return rows;
}

/** Object ids may hold `|`, which would end a table cell even inside backticks. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

function rowList(rows: readonly RangeRow[]): string[] {
  if (rows.length === 0) return ["None."];
  const lines = rows
    .slice(0, SHOWN)
    .map(
      (r) =>
        `- \`${r.subject}\` ${r.permission} \`${r.resource}\`${r.except && r.except.length > 0 ? ` (except ${r.except.map((e) => `\`${e}\``).join(", ")})` : ""}${periods(r)}`,
    );
  if (rows.length > SHOWN) lines.push(`- … and ${rows.length - SHOWN} more (see \`--json\`)`);
  return lines;
}

/** When a range's access was changed, for one that did not stay changed to the range's end. */
function periods(r: RangeRow): string {
  if (r.periods === undefined) return "";
  const spans = r.periods.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)).join(", ");
  return r.changedBack !== undefined
    ? ` (changed at revisions ${spans}; back as before at revision ${r.changedBack})`
    : ` (changed at revisions ${spans})`;
}
