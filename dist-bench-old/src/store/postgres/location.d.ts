/**
 * Where a PostgreSQL store lives: the server, the database and a schema (namespace) in it. The
 * schema is `public` unless the URL's `?schema=NAME` names another, so that several stores (one
 * per test, one per environment) can share a database without seeing each other.
 */
export interface PostgresLocation {
    /** The URL as pg takes it, without the parameters Gatehouse reads itself. */
    readonly connectionString: string;
    /** Startup options for every connection: the user's own, then the schema's search_path. */
    readonly options: string;
    readonly schema: string;
    /** `host:port`, for messages: never the user or password. */
    readonly target: string;
    /** The NOTIFY channel of this store's revisions. */
    readonly channel: string;
}
export declare function parseLocation(url: string): PostgresLocation;
