import type { ChangeRecord } from "../store/change-records.js";
import type { LifecycleScope, RetentionSetting } from "../store/lifecycle-records.js";
import type { Actor, ChangeContext } from "./change-context.js";
import { type LifecycleOptions, proposeDeletion, proposeRestore } from "./deletion.js";
import { collectExpired, type ExpiredCollection } from "./expired-collection.js";
import { proposeMerge } from "./merge.js";
import { proposePurge } from "./purge.js";
import type { PurgeFacts } from "./purge-facts.js";

/**
 * The lifecycle of subjects and tenants: soft delete, restore, merge, purge and the retention
 * window. Each operation proposes a change; `Changes` plans, approves and applies it.
 */
export class SubjectLifecycle {
  constructor(private readonly context: ChangeContext) {}

  /** Proposes the soft deletion of a subject (`account:a1`) or a tenant. */
  delete(scope: LifecycleScope, target: string, options: LifecycleOptions): Promise<ChangeRecord> {
    return proposeDeletion(this.context, scope, target, options);
  }

  /** Proposes the change that brings back what the applied deletions of the target removed. */
  restore(scope: LifecycleScope, target: string, options: LifecycleOptions): Promise<ChangeRecord> {
    return proposeRestore(this.context, scope, target, options);
  }

  /** Proposes moving every relationship of a duplicate onto the real subject. */
  merge(from: string, into: string, options: LifecycleOptions): Promise<ChangeRecord> {
    return proposeMerge(this.context, from, into, options);
  }

  /** Writes the export bundle and proposes the purge (refused inside the retention window). */
  purge(
    scope: LifecycleScope,
    target: string,
    options: LifecycleOptions & { exportDir: string },
  ): Promise<{ change: ChangeRecord; purge: PurgeFacts }> {
    return proposePurge(this.context, scope, target, options);
  }

  retention(): Promise<RetentionSetting> {
    return this.context.store.readRetention();
  }

  async setRetention(
    days: number,
    options: Actor & { reason?: string | undefined },
  ): Promise<RetentionSetting> {
    const previous = await this.context.store.readRetention();
    return this.context.store.writeRetention(days, options.actor, {
      actor: options.actor,
      action: "retention.set",
      tenant: null,
      target: "retention",
      reason: options.reason ?? null,
      details: { days, previous: previous.days },
    });
  }

  /** Removes relationships that expired longer ago than the retention window (audited). */
  collectExpired(options: Actor & { reason?: string | undefined }): Promise<ExpiredCollection> {
    return collectExpired(this.context, options);
  }
}
