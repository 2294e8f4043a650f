import { type Relationship } from "../../model/relationship.js";
import { type LifecycleRecord, type LifecycleStore, type NewLifecycleRecord, type RetentionSetting } from "../lifecycle-records.js";
import type { StoredRelationship } from "../store.js";
import type { Sql } from "./connection.js";
/** As in SQLite (`sqlite/lifecycle-tables.ts`); every method runs in the caller's transaction. */
export declare class LifecycleTables {
    #private;
    constructor(now: () => string);
    insert(sql: Sql, changeId: number, record: NewLifecycleRecord): Promise<LifecycleRecord>;
    get(sql: Sql, changeId: number): Promise<LifecycleRecord | undefined>;
    list(sql: Sql, filter?: Parameters<LifecycleStore["listLifecycle"]>[0]): Promise<LifecycleRecord[]>;
    retention(sql: Sql): Promise<RetentionSetting>;
    setRetention(sql: Sql, days: number, actor: string): Promise<RetentionSetting>;
    history(sql: Sql, tenant: string, relationships: readonly Relationship[]): Promise<StoredRelationship[]>;
    /**
     * Removes every row of the tuples, refusing before any goes when one is live. The caller holds
     * the revision counter's lock: writers take it too, so none can make a tuple live meanwhile.
     */
    purge(sql: Sql, tenant: string, relationships: readonly Relationship[]): Promise<number>;
}
