import type { Revision } from "../store.js";

interface Watcher {
  readonly listener: (head: Revision) => void;
  /** The newest head this listener was told of (or had when it started watching). */
  seen: Revision;
}

export interface HeadWatchOptions {
  /** Reads the store's head; a failure (a lost connection) is retried at the next tick. */
  readonly readHead: () => Revision | Promise<Revision>;
  readonly pollMs: number;
  /** Called when the first listener arrives and after the last one leaves (LISTEN, for one). */
  readonly onStart?: () => void;
  readonly onStop?: () => void;
}

/**
 * Tells listeners that the store's head moved. Each listener remembers the head it was last
 * told, so a late joiner is never told of a move it saw start, and a head learned several ways
 * at once (a poll, a notification, a write of our own) is reported once.
 *
 * The poll timer is `unref`ed: watching never keeps a process alive by itself.
 */
export class HeadWatch {
  readonly #options: HeadWatchOptions;
  readonly #watchers = new Set<Watcher>();
  #timer: NodeJS.Timeout | undefined;
  #reading = false;
  #readAgain = false;
  #closed = false;

  constructor(options: HeadWatchOptions) {
    this.#options = options;
  }

  /** Starts telling `listener` of heads past `seen`; returns the function that stops it. */
  add(listener: (head: Revision) => void, seen: Revision): () => void {
    if (this.#closed) throw new Error("the store is closed");
    const watcher: Watcher = { listener, seen };
    this.#watchers.add(watcher);
    if (this.#watchers.size === 1) {
      this.#timer = setInterval(() => void this.check(), this.#options.pollMs);
      this.#timer.unref();
      this.#options.onStart?.();
    }
    return () => this.#remove(watcher);
  }

  /** A head learned without reading it (a notification): listeners behind it are told. */
  observe(head: Revision): void {
    for (const watcher of [...this.#watchers]) {
      if (head <= watcher.seen || !this.#watchers.has(watcher)) continue;
      watcher.seen = head;
      try {
        watcher.listener(head);
      } catch (error) {
        // As an EventEmitter does: a throwing listener is a bug to surface, but not at the
        // expense of the other listeners or of the watch itself.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Reads the head and reports it; overlapping calls coalesce into one more read. */
  async check(): Promise<void> {
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = true;
    try {
      do {
        this.#readAgain = false;
        if (this.#watchers.size === 0 || this.#closed) return;
        let head: Revision;
        try {
          head = await this.#options.readHead();
        } catch {
          // The next tick tries again; a follower must not die of one lost connection.
          return;
        }
        if (!this.#closed) this.observe(head);
      } while (this.#readAgain);
    } finally {
      this.#reading = false;
    }
  }

  close(): void {
    this.#closed = true;
    for (const watcher of [...this.#watchers]) this.#remove(watcher);
  }

  #remove(watcher: Watcher): void {
    if (!this.#watchers.delete(watcher) || this.#watchers.size > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#options.onStop?.();
  }
}
