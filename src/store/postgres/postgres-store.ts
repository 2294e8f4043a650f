import { SqlStore, type StoreTestHooks } from "../sql-store.js";
import type { Revision, Store } from "../store.js";
import { type PoolOptions, PostgresConnection } from "./connection.js";
import { parseLocation } from "./location.js";
import { applyMigrations } from "./migrations.js";
import { RevisionListener } from "./revision-listener.js";

export interface PostgresStoreOptions extends PoolOptions {
  /** The clock recorded with revisions, changes, approvals, guards and audit records; tests fix it. */
  readonly now?: () => Date;
  /** How often `watch` polls the head besides listening, in case a notification was lost. */
  readonly watchPollMs?: number;
  /** Tests only: where to hold a write in its transaction. */
  readonly hooks?: StoreTestHooks;
}

const DEFAULT_WATCH_POLL_MS = 1_000;

/** The store for several nodes: the SQL store over a pool of connections to one schema. */
export const PostgresStore = {
  /**
   * Connects (an unreachable server is an `unavailable` error naming host and port), creates the
   * schema if needed and brings it up to date.
   */
  async open(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
    const location = parseLocation(url);
    const db = await PostgresConnection.open(location, options);
    try {
      await applyMigrations(db);
      const head = await db.dialect.revisionHead(db.sql);
      return new SqlStore({
        db,
        now: options.now ?? (() => new Date()),
        head,
        watchPollMs: options.watchPollMs ?? location.pollMs ?? DEFAULT_WATCH_POLL_MS,
        // `?feed=poll`: no LISTEN connection; the poll alone tells of other processes' writes.
        ...(location.feed === "listen"
          ? {
              listen: (onHead: (head: Revision) => void, onGap: () => void) =>
                new RevisionListener(db, onHead, onGap),
            }
          : {}),
        hooks: options.hooks,
      });
    } catch (error) {
      await db.close();
      throw error;
    }
  },
};
