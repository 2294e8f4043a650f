import { SqliteDatabase } from "../sql/sqlite-database.js";
import { SqlStore } from "../sql-store.js";
import type { Store } from "../store.js";
import { SnapshotFiles } from "./snapshot-files.js";

export interface SqliteStoreOptions {
  /** How long to wait for another process's write lock before failing, in milliseconds. */
  readonly busyTimeoutMs?: number;
  /** How often `watch` looks at the file for revisions written by other processes. */
  readonly watchPollMs?: number;
  /** The clock recorded with revisions, changes, approvals, guards and audit records; tests fix it. */
  readonly now?: () => Date;
}

/** Reading the head is one index lookup; ten a second costs nothing and feels immediate. */
const DEFAULT_WATCH_POLL_MS = 100;

/** The embedded store: the SQL store over one SQLite file (`:memory:` for a throwaway one). */
export const SqliteStore = {
  open(path: string, options: SqliteStoreOptions = {}): Store {
    const db = SqliteDatabase.open(path, options.busyTimeoutMs ?? 5_000);
    const head = db.head();
    return new SqlStore({
      db,
      now: options.now ?? (() => new Date()),
      head,
      watchPollMs: options.watchPollMs ?? DEFAULT_WATCH_POLL_MS,
      // A file store's snapshots are also kept as files beside it; `:memory:` has no beside.
      snapshotFiles: path === ":memory:" || path === "" ? undefined : new SnapshotFiles(path),
    });
  },
};
