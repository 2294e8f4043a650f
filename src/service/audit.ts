import type { AuditFilter, AuditRecord, AuditVerification } from "../store/change-records.js";
import type { Store } from "../store/store.js";

/** The audit log as the surfaces read it, and the records they add themselves (refusals). */
export class Audit {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  list(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return this.#store.listAudit(filter);
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
