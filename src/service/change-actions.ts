import type { Plan } from "../changes/plan.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { Role } from "../store/token-records.js";
import { roleAllows } from "./tokens.js";

/**
 * What a principal may do with a change now, as the changes layer would allow it: a surface
 * offers only these, so a reviewer is never shown a button that the server refuses (issue 19:
 * an applied purge offered Apply and Revert; after Apply the panel still offered Apply).
 */
export type ChangeAction = "plan" | "approve" | "apply" | "revert" | "withdraw" | "reject";

/** States that withdraw and reject end, and that may still be planned (src/changes/lifecycle.ts). */
const OPEN: readonly string[] = ["proposed", "planned", "approved", "stale"];
/** States with a current plan that can be approved and applied. */
const PLANNED: readonly string[] = ["planned", "approved"];

export function changeActions(
  change: ChangeRecord,
  plan: Plan | null,
  principal: { readonly name: string; readonly role: Role },
  /** A revert of it is proposed and not yet applied: that change is the one to act on. */
  revertPending = false,
): ChangeAction[] {
  const may = (role: Role) => roleAllows(principal.role, role);
  const open = OPEN.includes(change.state);
  const planned = plan !== null && PLANNED.includes(change.state);
  const author = principal.name === change.author;
  const out: ChangeAction[] = [];
  if (open && may("propose")) out.push("plan");
  // An approval is by someone other than the author, once per plan.
  if (planned && may("approve") && !author && !plan.approvals.by.includes(principal.name))
    out.push("approve");
  if (planned && !plan.blocked && may("propose")) out.push("apply");
  const applied = change.applied;
  const undoable =
    applied !== null &&
    (applied.created.length > 0 || applied.deleted.length > 0 || applied.schemaVersion !== null);
  // A purge is gone for good; a deletion whose rows a purge removed has nothing left to undo.
  if (change.state === "applied" && change.intent !== "purge" && undoable && !revertPending && may("propose"))
    out.push("revert");
  if (open && author) out.push("withdraw");
  if (open && may("approve")) out.push("reject");
  return out;
}
