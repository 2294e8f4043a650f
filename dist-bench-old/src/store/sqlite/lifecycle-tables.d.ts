import { type Relationship } from "../../model/relationship.js";
import { type LifecycleRecord, type LifecycleStore, type NewLifecycleRecord, type RetentionSetting } from "../lifecycle-records.js";
import type { StoredRelationship } from "../store.js";
import type { SqliteConnection } from "./connection.js";
/**
 * `lifecycle_changes`, `store_settings` and the hard deletion of relationship rows. Each method is
 * one step of a transaction the store opens; none opens its own.
 */
export declare class LifecycleTables {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    insert(changeId: number, record: NewLifecycleRecord): LifecycleRecord;
    get(changeId: number): LifecycleRecord | undefined;
    list(filter?: Parameters<LifecycleStore["listLifecycle"]>[0]): LifecycleRecord[];
    retention(): RetentionSetting;
    setRetention(days: number, actor: string): RetentionSetting;
    history(tenant: string, relationships: readonly Relationship[]): StoredRelationship[];
    /** Removes every row of the tuples; refuses, before removing any, when one is live. */
    purge(tenant: string, relationships: readonly Relationship[]): number;
}
