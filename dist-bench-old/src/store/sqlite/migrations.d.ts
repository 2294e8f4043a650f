import type { Database } from "better-sqlite3";
/**
 * The SQLite store's schema, as an append-only list: a store file records the versions applied to
 * it, so a released migration is never edited; a change is a new migration at the end.
 */
export interface Migration {
    readonly version: number;
    readonly description: string;
    /** SQL run as one script, or a function for changes that need to look at the data. */
    readonly up: string | ((db: Database) => void);
}
export declare const MIGRATIONS: readonly Migration[];
/**
 * Brings the file up to the newest migration. Each migration runs in its own IMMEDIATE
 * transaction and re-reads the applied version inside it, so two processes opening the same new
 * file at once apply each migration exactly once.
 */
export declare function applyMigrations(db: Database, migrations?: readonly Migration[]): number;
