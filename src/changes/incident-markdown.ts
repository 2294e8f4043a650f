import type { IncidentReport, RangeRow, UsedAccess } from "./incident-report.js";

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
  if (report.tenants.length === 0) {
    lines.push("No access changed: nobody gained or lost anything.", "");
    return lines.join("\n");
  }
  for (const t of report.tenants) {
    lines.push(`## Tenant \`${t.tenant}\``, "");
    lines.push(
      `${count(t.gained.length, "access")} gained, ${count(t.lost.length, "access")} lost; ` +
        `${count(t.used.length, "gained access", "gained accesses")} used, ${count(t.denied.length, "lost access", "lost accesses")} denied.`,
      "",
    );
    lines.push("### Wrong accesses used (allowed only because of the change)", "");
    lines.push(...usedTable(t.used), "");
    lines.push("### Checks to redo (denied only because of the change)", "");
    lines.push(...usedTable(t.denied), "");
    lines.push("### Gained", "", ...rowList(t.gained), "");
    lines.push("### Lost", "", ...rowList(t.lost), "");
  }
  return lines.join("\n");
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
