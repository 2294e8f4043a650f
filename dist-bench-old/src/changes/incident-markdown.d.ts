import type { IncidentReport } from "./incident-report.js";
/**
 * The incident report as Markdown, for the people who notify customers: one section per tenant,
 * what happened in a sentence, then who used an access they should not have had and whose work
 * was refused and must be redone, then the full gained and lost lists.
 */
export declare function incidentMarkdown(report: IncidentReport): string;
