/**
 * Tells listeners that the store's head moved. Each listener remembers the head it was last
 * told, so a late joiner is never told of a move it saw start, and a head learned several ways
 * at once (a poll, a notification, a write of our own) is reported once.
 *
 * The poll timer is `unref`ed: watching never keeps a process alive by itself.
 */
export class HeadWatch {
    #options;
    #watchers = new Set();
    #timer;
    #reading = false;
    #readAgain = false;
    #closed = false;
    constructor(options) {
        this.#options = options;
    }
    /** Starts telling `listener` of heads past `seen`; returns the function that stops it. */
    add(listener, seen) {
        if (this.#closed)
            throw new Error("the store is closed");
        const watcher = { listener, seen };
        this.#watchers.add(watcher);
        if (this.#watchers.size === 1) {
            this.#timer = setInterval(() => void this.check(), this.#options.pollMs);
            this.#timer.unref();
            this.#options.onStart?.();
        }
        return () => this.#remove(watcher);
    }
    /** A head learned without reading it (a notification): listeners behind it are told. */
    observe(head) {
        for (const watcher of [...this.#watchers]) {
            if (head <= watcher.seen || !this.#watchers.has(watcher))
                continue;
            watcher.seen = head;
            try {
                watcher.listener(head);
            }
            catch (error) {
                // As an EventEmitter does: a throwing listener is a bug to surface, but not at the
                // expense of the other listeners or of the watch itself.
                queueMicrotask(() => {
                    throw error;
                });
            }
        }
    }
    /** Reads the head and reports it; overlapping calls coalesce into one more read. */
    async check() {
        if (this.#reading) {
            this.#readAgain = true;
            return;
        }
        this.#reading = true;
        try {
            do {
                this.#readAgain = false;
                if (this.#watchers.size === 0 || this.#closed)
                    return;
                let head;
                try {
                    head = await this.#options.readHead();
                }
                catch {
                    // The next tick tries again; a follower must not die of one lost connection.
                    return;
                }
                if (!this.#closed)
                    this.observe(head);
            } while (this.#readAgain);
        }
        finally {
            this.#reading = false;
        }
    }
    close() {
        this.#closed = true;
        for (const watcher of [...this.#watchers])
            this.#remove(watcher);
    }
    #remove(watcher) {
        if (!this.#watchers.delete(watcher) || this.#watchers.size > 0)
            return;
        clearInterval(this.#timer);
        this.#timer = undefined;
        this.#options.onStop?.();
    }
}
//# sourceMappingURL=head-watch.js.map