import type { Statement } from "better-sqlite3";
/**
 * One SQLite connection with its prepared statements. better-sqlite3 is synchronous: each call
 * runs to completion on the calling thread, which is the fastest way to use SQLite from Node.
 * The parts of the store (relationships, schema versions, changes, audit log) share this one
 * connection, so that one transaction can span all of them.
 */
export declare class SqliteConnection {
    #private;
    private constructor();
    /** Opens (creating if needed) and migrates the file; a location SQLite cannot open is an input error. */
    static open(path: string, busyTimeoutMs: number): SqliteConnection;
    /** A prepared statement, cached by its text: the store's SQL is a small fixed set. */
    prepare(sql: string): Statement<unknown[]>;
    /** Runs SQL that takes no parameters and returns nothing (DDL). */
    exec(sql: string): void;
    /**
     * IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading a read lock.
     * Throwing inside `body` rolls everything back; called inside another transaction, it nests as
     * a savepoint.
     */
    transaction<T>(body: () => T): T;
    /** A DEFERRED transaction: reads that must see one moment, without taking the write lock. */
    read<T>(body: () => T): T;
    close(): void;
}
