import type { Revision } from "../store.js";
import type { PostgresConnection } from "./connection.js";
/**
 * LISTENs on the store's channel on a connection of its own (a pooled one would be handed to
 * other work and stop listening). Every write queues `pg_notify(channel, revision)` in its
 * transaction (`revisions.ts`), which PostgreSQL delivers at commit, in commit order.
 *
 * Notifications are lost while the connection is down, so after every (re)connection the
 * listener asks for a poll (`onGap`) to catch what was committed meanwhile; a lost connection is
 * retried with backoff, on timers that never keep the process alive. The store also polls on
 * its own (`HeadWatch`), for notifications lost any other way.
 */
export declare class RevisionListener {
    #private;
    constructor(connection: PostgresConnection, onHead: (head: Revision) => void, onGap: () => void);
    start(): void;
    stop(): void;
}
