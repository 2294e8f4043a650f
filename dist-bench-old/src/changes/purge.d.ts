import type { ChangeRecord } from "../store/change-records.js";
import type { LifecycleRecord, LifecycleScope } from "../store/lifecycle-records.js";
import type { Revision } from "../store/store.js";
import type { Actor, ChangeContext } from "./change-context.js";
import { type LifecycleOptions } from "./deletion.js";
import type { Plan } from "./plan.js";
import type { PurgeFacts } from "./purge-facts.js";
/**
 * Proposes a purge: refuses before the window ends (nothing written), writes the export bundle
 * (fsynced) and stores the change with the bundle's path and SHA-256.
 */
export declare function proposePurge(context: ChangeContext, scope: LifecycleScope, text: string, options: LifecycleOptions & {
    readonly exportDir: string;
}): Promise<{
    change: ChangeRecord;
    purge: PurgeFacts;
}>;
export declare function purgeFacts(record: LifecycleRecord): PurgeFacts;
/**
 * The apply of a planned, approved purge: the window, the bundle's checksum and every deletion
 * are checked again (time passed, files can be touched), then the rows go in one transaction
 * with the change's state and the audit record that carries the checksum.
 */
export declare function applyPurge(context: ChangeContext, change: ChangeRecord, plan: Plan, options: Actor): Promise<{
    change: ChangeRecord;
    plan: Plan;
    revision: Revision;
    removed: number;
}>;
