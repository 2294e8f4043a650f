import type { AuditFilter, AuditRecord, AuditVerification } from "../store/change-records.js";
import type { Store } from "../store/store.js";
import { AUDIT_ACTIONS, unknownAction } from "./audit-actions.js";

/** The audit log as the surfaces read it, and the records they add themselves (refusals). */
export class Audit {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Audit records, oldest first. `action` is an action (`rollout.start`) or a family of them
   * (`rollout`: every `rollout.*`); one that is none of Gatehouse's (and in no record) is
   * refused, naming the families there are, rather than matching nothing in silence.
   */
  async list(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const action = filter.action;
    if (action === undefined) return this.#store.listAudit(filter);
    if (action.includes(".")) {
      const records = await this.#store.listAudit(filter);
      // A mistyped action (`change.aply`) is refused; one of ours that has no record yet is not.
      if (records.length === 0 && !AUDIT_ACTIONS.includes(action) && !(await this.recorded(action)))
        throw unknownAction(action);
      return records;
    }
    const family = `${action}.`;
    if (!AUDIT_ACTIONS.some((known) => known.startsWith(family))) throw unknownAction(action);
    // The store matches one action exactly: a family is read whole and cut here, then limited.
    const { action: _family, limit, ...rest } = filter;
    const records = (await this.#store.listAudit(rest)).filter((r) => r.action.startsWith(family));
    return limit === undefined ? records : records.slice(0, limit);
  }

  /** Whether any record has this action, whatever the other filters say. */
  private async recorded(action: string): Promise<boolean> {
    return (await this.#store.listAudit({ action, limit: 1 })).length > 0;
  }

  /** Walks the hash chain; names the first record edited, removed or reordered. */
  verify(): Promise<AuditVerification> {
    return this.#store.verifyAudit();
  }

  /** A token refused on a route (403), or refused there repeatedly (`details` say how often). */
  async forbidden(token: string, target: string, reason: string, details: unknown): Promise<void> {
    await this.#store.appendAudit({
      actor: token,
      action: "auth.forbidden",
      tenant: null,
      target,
      reason,
      details,
    });
  }
}
