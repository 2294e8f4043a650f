import pg from "pg";
import { storeError } from "./errors.js";
const INT8 = 20;
const JSON_OIDS = new Set([114, 3802]);
/**
 * Revisions, sequence numbers and counts are BIGINT, which pg returns as text by default: they
 * stay far below 2^53, so numbers are exact. JSON columns come back as their text, so that the
 * same code reads them as in SQLite.
 */
const TYPES = {
    getTypeParser: ((oid, format) => {
        if (oid === INT8)
            return (value) => Number(value);
        if (JSON_OIDS.has(oid))
            return (value) => value;
        return pg.types.getTypeParser(oid, format);
    }),
};
/**
 * A pool of connections to one store's schema. Every connection starts with the schema as its
 * `search_path`, so that the SQL names tables unqualified; errors leave here translated.
 */
export class PostgresConnection {
    location;
    #config;
    #pool;
    constructor(location, config, pool) {
        this.location = location;
        this.#config = config;
        this.#pool = pool;
    }
    /** Connects once, so that an unreachable server is reported at open, not at the first query. */
    static async open(location, options = {}) {
        const config = {
            connectionString: location.connectionString,
            options: location.options,
            types: TYPES,
            connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
            application_name: "gatehouse",
            // A connection that dies without a word (a cut network) is noticed by the OS, not hung on.
            keepAlive: true,
        };
        // Idle connections must not keep a process alive; a store still open when the process
        // wants to exit has nothing left to do.
        const pool = new pg.Pool({ ...config, max: options.max ?? 10, allowExitOnIdle: true });
        // An idle connection that dies (a server restart) is reported here; the pool replaces it
        // at the next query, which is where the caller hears of trouble.
        pool.on("error", () => { });
        try {
            const client = await pool.connect();
            client.release();
        }
        catch (error) {
            await pool.end().catch(() => { });
            throw storeError(error, location.target, true);
        }
        return new PostgresConnection(location, config, pool);
    }
    /** A connection of its own, outside the pool (LISTEN needs one that stays). */
    async dedicatedClient(applicationName) {
        this.#open();
        const client = new pg.Client({ ...this.#config, application_name: applicationName });
        client.on("error", () => { });
        try {
            await client.connect();
        }
        catch (error) {
            throw storeError(error, this.location.target, true);
        }
        client.connection.stream.unref?.();
        return client;
    }
    /** Statements outside a transaction, each on whichever connection is free. */
    get sql() {
        return sqlOf(this.#open(), this.location.target);
    }
    /** Runs `body` on one connection, outside any transaction it does not open itself. */
    async session(body) {
        const pool = this.#open();
        let client;
        try {
            client = await pool.connect();
        }
        catch (error) {
            throw storeError(error, this.location.target, false);
        }
        let broken;
        try {
            return await body(sqlOf(client, this.location.target));
        }
        catch (error) {
            // A session may have left a transaction or a session lock behind: never pool it again.
            broken = error instanceof Error ? error : new Error(String(error));
            throw storeError(error, this.location.target, false);
        }
        finally {
            client.release(broken);
        }
    }
    /**
     * Runs `body` in one transaction on one connection: committed when it returns, rolled back
     * when it throws (and the connection dropped if even the rollback fails).
     */
    async transaction(body) {
        const pool = this.#open();
        let client;
        try {
            client = await pool.connect();
        }
        catch (error) {
            throw storeError(error, this.location.target, false);
        }
        const sql = sqlOf(client, this.location.target);
        try {
            await sql.run("BEGIN");
            const result = await body(sql);
            await sql.run("COMMIT");
            client.release();
            return result;
        }
        catch (error) {
            try {
                await client.query("ROLLBACK");
                client.release();
            }
            catch (rollbackError) {
                client.release(rollbackError);
            }
            throw storeError(error, this.location.target, false);
        }
    }
    async close() {
        const pool = this.#pool;
        if (pool === undefined)
            return;
        this.#pool = undefined;
        await pool.end();
    }
    #open() {
        if (this.#pool === undefined)
            throw new Error("the store is closed");
        return this.#pool;
    }
}
function sqlOf(client, target) {
    const query = async (text, values) => {
        try {
            return await client.query({ text, values: values, rowMode: "array" });
        }
        catch (error) {
            throw storeError(error, target, false);
        }
    };
    return {
        rows: async (text, values) => (await query(text, values)).rows,
        run: async (text, values) => (await query(text, values)).rowCount ?? 0,
    };
}
//# sourceMappingURL=connection.js.map