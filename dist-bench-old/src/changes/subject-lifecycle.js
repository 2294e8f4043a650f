import { proposeDeletion, proposeRestore } from "./deletion.js";
import { proposeMerge } from "./merge.js";
import { proposePurge } from "./purge.js";
/**
 * The lifecycle of subjects and tenants: soft delete, restore, merge, purge and the retention
 * window. Each operation proposes a change; `Changes` plans, approves and applies it.
 */
export class SubjectLifecycle {
    context;
    constructor(context) {
        this.context = context;
    }
    /** Proposes the soft deletion of a subject (`account:a1`) or a tenant. */
    delete(scope, target, options) {
        return proposeDeletion(this.context, scope, target, options);
    }
    /** Proposes the change that brings back what the applied deletions of the target removed. */
    restore(scope, target, options) {
        return proposeRestore(this.context, scope, target, options);
    }
    /** Proposes moving every relationship of a duplicate onto the real subject. */
    merge(from, into, options) {
        return proposeMerge(this.context, from, into, options);
    }
    /** Writes the export bundle and proposes the purge (refused inside the retention window). */
    purge(scope, target, options) {
        return proposePurge(this.context, scope, target, options);
    }
    retention() {
        return this.context.store.readRetention();
    }
    async setRetention(days, options) {
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
}
//# sourceMappingURL=subject-lifecycle.js.map