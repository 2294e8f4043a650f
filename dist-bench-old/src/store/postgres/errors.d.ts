/**
 * Translates what pg throws into the store's errors, once, at the connection: a server that
 * cannot be reached is `unavailable` (naming host and port, never the password), input
 * PostgreSQL cannot hold (a NUL character, a key too long to index) is `input`, and a transient
 * failure (deadlock, lost connection) is `unavailable`, worth a retry. Anything else is a bug and
 * goes up unchanged.
 */
export declare function storeError(error: unknown, target: string, connecting: boolean): unknown;
