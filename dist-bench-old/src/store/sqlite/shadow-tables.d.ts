import { type ShadowObservations, type ShadowSession, type ShadowTally } from "../shadow-records.js";
import type { SqliteConnection } from "./connection.js";
/**
 * The shadow tables. Each method is one step of a transaction the store opens; none opens its
 * own. SQLite's write lock serialises tallies, so the cap on kept checks is exact.
 */
export declare class ShadowTables {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    start(changeId: number, schema: string, actor: string): ShadowSession;
    stop(actor: string): ShadowSession;
    running(): ShadowSession | undefined;
    get(id?: number): ShadowSession | undefined;
    addTally(sessionId: number, tally: ShadowTally): void;
    read(sessionId: number): ShadowObservations;
}
