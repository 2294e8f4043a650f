import type { Store } from "./store.js";
/**
 * Opens the store a `--store` value names: a `postgres://` URL (`?schema=NAME` for a schema
 * other than `public`) or otherwise a SQLite file path (`:memory:` for a throwaway store). Any
 * other URL is refused rather than taken for a file name.
 */
export declare function openStore(location: string, options?: {
    now?: () => Date;
}): Promise<Store>;
