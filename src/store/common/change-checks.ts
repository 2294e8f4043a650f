import { GatehouseError, inputError } from "../../model/errors.js";
import type { Approval, ChangeState, Intent } from "../change-records.js";

/** Records keyed by the type, so that a new intent or state cannot be forgotten here. */
const INTENTS: Record<Intent, true> = {
  grant: true,
  revoke: true,
  cleanup: true,
  migration: true,
  model: true,
  delete: true,
  purge: true,
  restore: true,
  merge: true,
  revert: true,
};
const STATES: Record<ChangeState, true> = {
  proposed: true,
  planned: true,
  approved: true,
  applied: true,
  reverted: true,
  rejected: true,
  withdrawn: true,
  stale: true,
};

export function checkIntent(intent: Intent): Intent {
  if (!Object.hasOwn(INTENTS, intent)) {
    throw inputError(`unknown intent \`${intent}\`: expected one of ${list(INTENTS)}`, { field: "intent" });
  }
  return intent;
}

export function checkState(state: ChangeState): ChangeState {
  if (!Object.hasOwn(STATES, state)) {
    throw inputError(`unknown change state \`${state}\`: expected one of ${list(STATES)}`, {
      field: "state",
    });
  }
  return state;
}

function list(names: Record<string, true>): string {
  return Object.keys(names)
    .map((name) => `\`${name}\``)
    .join(", ");
}

/**
 * An approval row as a record. Rows store the approved plan's id, or '' for approvals recorded
 * before plans had ids (a NOT NULL column, so that the one-per-principal-and-plan key holds for
 * them too: SQL's NULLs are all distinct).
 */
export function approvalOf(principal: string, at: string, comment: string | null, plan: string): Approval {
  return plan === "" ? { principal, at, comment } : { principal, at, comment, plan };
}

export function alreadyApproved(principal: string, id: number, plan: string | null): GatehouseError {
  return new GatehouseError(
    "conflict",
    plan === null
      ? `\`${principal}\` has already approved change ${id}`
      : `\`${principal}\` has already approved plan ${plan} of change ${id}`,
    { field: "principal" },
  );
}
