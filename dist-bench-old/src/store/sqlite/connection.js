import Database from "better-sqlite3";
import { inputError } from "../../model/errors.js";
import { applyMigrations } from "./migrations.js";
/**
 * One SQLite connection with its prepared statements. better-sqlite3 is synchronous: each call
 * runs to completion on the calling thread, which is the fastest way to use SQLite from Node.
 * The parts of the store (relationships, schema versions, changes, audit log) share this one
 * connection, so that one transaction can span all of them.
 */
export class SqliteConnection {
    #db;
    #statements = new Map();
    constructor(db) {
        this.#db = db;
    }
    /** Opens (creating if needed) and migrates the file; a location SQLite cannot open is an input error. */
    static open(path, busyTimeoutMs) {
        let db;
        try {
            db = new Database(path);
            // WAL lets readers (index loads, other nodes' followers) run while one writer commits;
            // NORMAL only risks the last commits on power loss, never corruption, in WAL mode.
            db.pragma("journal_mode = WAL");
            db.pragma("synchronous = NORMAL");
            db.pragma("foreign_keys = ON");
            db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
            applyMigrations(db);
            return new SqliteConnection(db);
        }
        catch (error) {
            db?.close();
            if (error instanceof Database.SqliteError) {
                throw inputError(`cannot open the store \`${path}\`: ${error.message}`);
            }
            if (error instanceof TypeError && /directory does not exist/.test(error.message)) {
                throw inputError(`cannot open the store \`${path}\`: the directory does not exist`);
            }
            throw error;
        }
    }
    /** A prepared statement, cached by its text: the store's SQL is a small fixed set. */
    prepare(sql) {
        const db = this.#open();
        let statement = this.#statements.get(sql);
        if (statement === undefined) {
            statement = db.prepare(sql);
            this.#statements.set(sql, statement);
        }
        return statement;
    }
    /** Runs SQL that takes no parameters and returns nothing (DDL). */
    exec(sql) {
        this.#open().exec(sql);
    }
    /**
     * IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading a read lock.
     * Throwing inside `body` rolls everything back; called inside another transaction, it nests as
     * a savepoint.
     */
    transaction(body) {
        return this.#open().transaction(body).immediate();
    }
    /** A DEFERRED transaction: reads that must see one moment, without taking the write lock. */
    read(body) {
        return this.#open().transaction(body).deferred();
    }
    close() {
        const db = this.#db;
        if (db === undefined)
            return;
        this.#db = undefined;
        this.#statements.clear();
        // Keeps the query planner's statistics fresh; SQLite recommends it before closing.
        db.pragma("optimize");
        db.close();
    }
    #open() {
        if (this.#db === undefined)
            throw new Error("the store is closed");
        return this.#db;
    }
}
//# sourceMappingURL=connection.js.map