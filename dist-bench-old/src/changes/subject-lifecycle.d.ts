import type { ChangeRecord } from "../store/change-records.js";
import type { LifecycleScope, RetentionSetting } from "../store/lifecycle-records.js";
import type { Actor, ChangeContext } from "./change-context.js";
import { type LifecycleOptions } from "./deletion.js";
import type { PurgeFacts } from "./purge-facts.js";
/**
 * The lifecycle of subjects and tenants: soft delete, restore, merge, purge and the retention
 * window. Each operation proposes a change; `Changes` plans, approves and applies it.
 */
export declare class SubjectLifecycle {
    private readonly context;
    constructor(context: ChangeContext);
    /** Proposes the soft deletion of a subject (`account:a1`) or a tenant. */
    delete(scope: LifecycleScope, target: string, options: LifecycleOptions): Promise<ChangeRecord>;
    /** Proposes the change that brings back what the applied deletions of the target removed. */
    restore(scope: LifecycleScope, target: string, options: LifecycleOptions): Promise<ChangeRecord>;
    /** Proposes moving every relationship of a duplicate onto the real subject. */
    merge(from: string, into: string, options: LifecycleOptions): Promise<ChangeRecord>;
    /** Writes the export bundle and proposes the purge (refused inside the retention window). */
    purge(scope: LifecycleScope, target: string, options: LifecycleOptions & {
        exportDir: string;
    }): Promise<{
        change: ChangeRecord;
        purge: PurgeFacts;
    }>;
    retention(): Promise<RetentionSetting>;
    setRetention(days: number, options: Actor & {
        reason?: string | undefined;
    }): Promise<RetentionSetting>;
}
