import { expirationOf } from "../model/expiration.js";
import type { Actor, ChangeContext } from "./change-context.js";

const DAY_MS = 86_400_000;

/** What a collection of expired relationships removed, and from before when. */
export interface ExpiredCollection {
  /** Rows removed (every tenant, live or deleted versions alike). */
  readonly removed: number;
  /** Relationships that expired at or before this time were removed: the clock less `days`. */
  readonly expiredBy: string;
  /** The retention window in force. */
  readonly days: number;
}

/**
 * Removes for good the relationships that expired longer ago than the retention window, as
 * deleted data is kept restorable for that window before it may go: within it an expired grant
 * stays in the store's history (who had access until when); after it, nothing reads it. An
 * expired relationship grants nothing already, so this changes no access and needs no plan or
 * approval; it is audited with its count.
 */
export async function collectExpired(
  context: ChangeContext,
  options: Actor & { reason?: string | undefined },
): Promise<ExpiredCollection> {
  const { days } = await context.store.readRetention();
  const expiredBy = expirationOf(new Date(context.now().getTime() - days * DAY_MS));
  const removed = await context.store.collectExpiredRelationships(expiredBy, {
    actor: options.actor,
    action: "relationships.collect-expired",
    tenant: null,
    target: "relationships",
    reason: options.reason ?? null,
    details: { retentionDays: days },
  });
  return { removed, expiredBy, days };
}
