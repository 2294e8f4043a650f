import pg from "pg";
import type { PostgresLocation } from "./location.js";
/** The statements of one transaction (or of the pool, outside one); rows come back as arrays. */
export interface Sql {
    rows<T extends unknown[]>(text: string, values?: readonly unknown[]): Promise<T[]>;
    /** Runs a statement; returns how many rows it touched. */
    run(text: string, values?: readonly unknown[]): Promise<number>;
}
export interface PoolOptions {
    /** Connections per store (default 10). */
    readonly max?: number;
    readonly connectionTimeoutMs?: number;
}
/**
 * A pool of connections to one store's schema. Every connection starts with the schema as its
 * `search_path`, so that the SQL names tables unqualified; errors leave here translated.
 */
export declare class PostgresConnection {
    #private;
    readonly location: PostgresLocation;
    private constructor();
    /** Connects once, so that an unreachable server is reported at open, not at the first query. */
    static open(location: PostgresLocation, options?: PoolOptions): Promise<PostgresConnection>;
    /** A connection of its own, outside the pool (LISTEN needs one that stays). */
    dedicatedClient(applicationName: string): Promise<pg.Client>;
    /** Statements outside a transaction, each on whichever connection is free. */
    get sql(): Sql;
    /** Runs `body` on one connection, outside any transaction it does not open itself. */
    session<T>(body: (sql: Sql) => Promise<T>): Promise<T>;
    /**
     * Runs `body` in one transaction on one connection: committed when it returns, rolled back
     * when it throws (and the connection dropped if even the rollback fails).
     */
    transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T>;
    close(): Promise<void>;
}
