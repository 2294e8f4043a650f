import { randomBytes } from "node:crypto";

/**
 * A new plan's identity: 16 random hex digits, stored with the plan. An approval names it, so it
 * approves exactly the plan its reviewer was shown. Every planning gets a new id, even when
 * nothing moved since the last one: a new plan voids earlier approvals, without exception, so
 * that nobody has to reason about which re-plans are "the same" (random, not a digest of the
 * content, for that reason: two plans of identical content are still two reviews).
 */
export function newPlanId(): string {
  return randomBytes(8).toString("hex");
}
