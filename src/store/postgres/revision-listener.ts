import pg from "pg";
import type { Revision } from "../store.js";
import type { PostgresConnection } from "./connection.js";

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;

/**
 * LISTENs on the store's channel on a connection of its own (a pooled one would be handed to
 * other work and stop listening). Every write queues `pg_notify(channel, revision)` in its
 * transaction (`revisions.ts`), which PostgreSQL delivers at commit, in commit order. A revision
 * may commit before a lower one, so the store reads its head again on a notification
 * rather than taking the number for the head (`SqlStore`).
 *
 * Notifications are lost while the connection is down, so after every (re)connection the
 * listener asks for a poll (`onGap`) to catch what was committed meanwhile; a lost connection is
 * retried with backoff, on timers that never keep the process alive. The store also polls on
 * its own (`HeadWatch`), for notifications lost any other way.
 */
export class RevisionListener {
  readonly #connection: PostgresConnection;
  readonly #onHead: (head: Revision) => void;
  readonly #onGap: () => void;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #running = false;

  constructor(connection: PostgresConnection, onHead: (head: Revision) => void, onGap: () => void) {
    this.#connection = connection;
    this.#onHead = onHead;
    this.#onGap = onGap;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#connect();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    this.#retry = undefined;
    let client: pg.Client | undefined;
    try {
      client = await this.#connection.dedicatedClient(`gatehouse listen ${this.#connection.location.schema}`);
      if (!this.#running) {
        await client.end();
        return;
      }
      const { channel } = this.#connection.location;
      const listening = client;
      listening.on("notification", (message) => {
        if (message.channel !== channel) return;
        const head = Number(message.payload);
        if (Number.isSafeInteger(head)) this.#onHead(head);
        else this.#onGap();
      });
      const lost = () => {
        if (this.#client === listening) this.#lost();
      };
      listening.on("error", lost);
      listening.on("end", lost);
      await listening.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      this.#client = listening;
      this.#failures = 0;
      this.#onGap();
    } catch {
      client?.end().catch(() => {});
      this.#lost();
    }
  }

  #lost(): void {
    const client = this.#client;
    this.#client = undefined;
    client?.end().catch(() => {});
    if (!this.#running || this.#retry !== undefined) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.#failures);
    this.#failures++;
    this.#retry = setTimeout(() => void this.#connect(), delay);
    this.#retry.unref();
  }
}
