import { type ShadowObservations, type ShadowSession, type ShadowTally } from "../shadow-records.js";
import type { Sql } from "./connection.js";
/**
 * The shadow tables, with SQLite's checks and messages. A tally locks its session's row first,
 * so tallies of several nodes are serialised and the cap on kept checks is exact; each tally is
 * a few statements over arrays, whatever its size, so a flush costs a few round trips.
 */
export declare class ShadowTables {
    #private;
    constructor(now: () => string);
    /** Runs under the audit lock, which serialises starts: "none running" still holds at the insert. */
    start(sql: Sql, changeId: number, schema: string, actor: string): Promise<ShadowSession>;
    stop(sql: Sql, actor: string): Promise<ShadowSession>;
    running(sql: Sql): Promise<ShadowSession | undefined>;
    get(sql: Sql, id?: number, forUpdate?: boolean): Promise<ShadowSession | undefined>;
    addTally(sql: Sql, sessionId: number, tally: ShadowTally): Promise<void>;
    read(sql: Sql, sessionId: number): Promise<ShadowObservations>;
}
