import type { Engine } from "../engine/engine.js";
import type { ApplyResult } from "../store/change-records.js";
import type { Revision, Store } from "../store/store.js";
/** What the changes layer needs from the service that owns the store and the engine. */
export interface ChangeContext {
    readonly store: Store;
    readonly engine: Engine;
    now(): Date;
    /** Loads the tenants' indexes and brings the engine to the store's head; returns that revision. */
    ready(tenants: readonly string[]): Promise<Revision>;
    /** Moves the engine to the revision an apply wrote (its data and, if any, its schema). */
    applied(tenant: string, result: ApplyResult): Promise<void>;
}
export interface Actor {
    readonly actor: string;
}
