import type { Revision } from "../store.js";
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
export declare class HeadWatch {
    #private;
    constructor(options: HeadWatchOptions);
    /** Starts telling `listener` of heads past `seen`; returns the function that stops it. */
    add(listener: (head: Revision) => void, seen: Revision): () => void;
    /** A head learned without reading it (a notification): listeners behind it are told. */
    observe(head: Revision): void;
    /** Reads the head and reports it; overlapping calls coalesce into one more read. */
    check(): Promise<void>;
    close(): void;
}
