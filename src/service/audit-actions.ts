import { GatehouseError } from "../model/errors.js";

/**
 * The actions Gatehouse records in its audit log, for `audit list --action` (and `?action=`) to
 * accept a family (`rollout`) and to refuse what is none of them with the list. An action is
 * `family.verb`; one written elsewhere and missing here is still matched exactly.
 */
export const AUDIT_ACTIONS: readonly string[] = [
  "auth.forbidden",
  "change.apply",
  "change.approve",
  "change.plan",
  "change.propose",
  "change.reject",
  "change.revert",
  "change.stale",
  "change.state",
  "change.withdraw",
  "guards.write",
  "relationships.delete",
  "relationships.import",
  "relationships.write",
  "retention.set",
  "rollout.complete",
  "rollout.promote",
  "rollout.rollback",
  "rollout.start",
  "schema.write",
  "shadow.start",
  "shadow.stop",
  "token.create",
  "token.revoke",
];

export function unknownAction(action: string): GatehouseError {
  const families = [...new Set(AUDIT_ACTIONS.map((a) => a.split(".")[0]))];
  return new GatehouseError(
    "usage",
    `unknown audit action \`${action}\`: expected a family of actions (${families.map((f) => `\`${f}\``).join(", ")}) or one action, such as \`rollout.start\` or \`change.apply\``,
  );
}
