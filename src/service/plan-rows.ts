import type { Plan } from "../changes/plan.js";
import type { AccessRow } from "../engine/access-diff.js";
import { GatehouseError } from "../model/errors.js";

/**
 * A plan's access rows one page at a time, filtered. A plan is exact, not sampled, so a cleanup
 * over a large tenant can list 100,000 rows; a reviewer reads its summary first and then pages
 * through the rows it narrows down to, and exports them. A stored plan never changes (a new plan
 * gets a new `planId`), so an offset names the same row on every page.
 */

export type PlanSide = "gained" | "lost";

/** An access row with the side of the plan it is on. */
export interface PlanRow extends AccessRow {
  readonly change: PlanSide;
}

export interface PlanRowFilter {
  /**
   * The rows of userset subjects (`group:eng#member`) whose answers the change flips, instead of
   * the plain rows: a plan lists them apart (see src/changes/userset-subjects.ts).
   */
  readonly usersets?: boolean | undefined;
  /** Only the rows gained, or only those lost; both when absent. */
  readonly change?: PlanSide | undefined;
  /** Exact tenant and resource type (a summary line narrows to these). */
  readonly tenant?: string | undefined;
  readonly resourceType?: string | undefined;
  /** Text the subject, resource or permission contains (case-insensitive). */
  readonly subject?: string | undefined;
  readonly resource?: string | undefined;
  readonly permission?: string | undefined;
}

/** Rows in one page when the caller names no limit, and the most one page may hold. */
export const PLAN_PAGE_DEFAULT = 100;
export const PLAN_PAGE_MAX = 1_000;

export interface PlanRowPage {
  readonly planId: string | null;
  /** Rows in the plan (of the kind asked for: plain or userset subjects), and rows the filter lets through. */
  readonly total: number;
  readonly matched: number;
  readonly offset: number;
  readonly rows: readonly PlanRow[];
}

function contains(needle: string | undefined): (value: string) => boolean {
  if (needle === undefined || needle === "") return () => true;
  const lower = needle.toLowerCase();
  return (value) => value.toLowerCase().includes(lower);
}

/** Every row of the plan the filter lets through, lost before gained (a loss is what hurts). */
export function filterPlanRows(plan: Plan, filter: PlanRowFilter): PlanRow[] {
  const subject = contains(filter.subject);
  const resource = contains(filter.resource);
  const permission = contains(filter.permission);
  const typePrefix = filter.resourceType === undefined ? undefined : `${filter.resourceType}:`;
  const keep = (row: AccessRow) =>
    (filter.tenant === undefined || row.tenant === filter.tenant) &&
    (typePrefix === undefined || row.resource.startsWith(typePrefix)) &&
    subject(row.subject) &&
    resource(row.resource) &&
    permission(row.permission);
  const out: PlanRow[] = [];
  const lists = rowLists(plan, filter.usersets === true);
  const sides: readonly PlanSide[] = filter.change ? [filter.change] : ["lost", "gained"];
  for (const side of sides) for (const row of lists[side]) if (keep(row)) out.push({ ...row, change: side });
  return out;
}

/** The plain rows, or the userset subjects' rows (absent from plans stored before they existed). */
function rowLists(plan: Plan, usersets: boolean): Readonly<Record<PlanSide, readonly AccessRow[]>> {
  return usersets ? (plan.usersets ?? { gained: [], lost: [] }) : plan;
}

function checkedWhole(value: number | undefined, fallback: number, field: string, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new GatehouseError(
      "input",
      `invalid ${field} \`${String(value)}\`: expected a whole number from 0 to ${max.toLocaleString("en")}`,
      { field },
    );
  return value;
}

/** One page of the filtered rows; an offset past the end gives an empty page, not an error. */
export function planRowPage(
  plan: Plan,
  filter: PlanRowFilter,
  page: { offset?: number | undefined; limit?: number | undefined },
): PlanRowPage {
  const offset = checkedWhole(page.offset, 0, "offset", Number.MAX_SAFE_INTEGER);
  const limit = checkedWhole(page.limit, PLAN_PAGE_DEFAULT, "limit", PLAN_PAGE_MAX);
  if (limit === 0)
    throw new GatehouseError("input", "invalid limit `0`: expected at least 1", { field: "limit" });
  const rows = filterPlanRows(plan, filter);
  const lists = rowLists(plan, filter.usersets === true);
  return {
    planId: plan.planId ?? null,
    total: lists.gained.length + lists.lost.length,
    matched: rows.length,
    offset,
    rows: rows.slice(offset, offset + limit),
  };
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The rows as CSV with a header line, for a spreadsheet or a notification list. */
export function planRowsCsv(rows: readonly PlanRow[]): string {
  const lines = ["change,tenant,resource,permission,subject,except"];
  for (const r of rows)
    lines.push(
      [r.change, r.tenant, r.resource, r.permission, r.subject, (r.except ?? []).join(" ")]
        .map(csvField)
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}
