import type { PostgresConnection, Sql } from "./connection.js";
/**
 * The PostgreSQL store's schema, as an append-only list like SQLite's (`../sqlite/migrations.ts`),
 * version for version: a released migration is never edited; a change is a new one at the end.
 *
 * Every text column that is compared or sorted is `COLLATE "C"`: byte order of UTF-8, which is
 * code point order, the order SQLite's BINARY collation gives. A database's default collation
 * (`en_US.UTF-8`, say) would sort `user:Zed` before `user:ann` and ignore punctuation in times.
 * Times are ISO text, as in SQLite, so both backends record exactly what the store clock said.
 */
export interface Migration {
    readonly version: number;
    readonly description: string;
    /** SQL run as one script (in one transaction), or a function for changes that look at the data. */
    readonly up: string | ((sql: Sql) => Promise<void>);
}
export declare const MIGRATIONS: readonly Migration[];
/**
 * Brings the schema up to the newest migration. Nodes that start together would race to apply
 * the same migration, so the whole run holds a session-level advisory lock keyed by the schema:
 * the second node waits, then finds everything applied. Each migration is its own transaction
 * (PostgreSQL's DDL is transactional), so one that fails leaves nothing of itself.
 */
export declare function applyMigrations(connection: PostgresConnection, migrations?: readonly Migration[]): Promise<number>;
