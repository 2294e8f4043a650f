import { inputError } from "../model/errors.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/**
 * Opens the store a `--store` value names: a `postgres://` URL (`?schema=NAME` for a schema
 * other than `public`) or otherwise a SQLite file path (`:memory:` for a throwaway store). Any
 * other URL is refused rather than taken for a file name.
 */
export async function openStore(location, options = {}) {
    const clock = options.now ? { now: options.now } : {};
    const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
    if (scheme === "postgres" || scheme === "postgresql") {
        return PostgresStore.open(location, clock);
    }
    if (scheme !== undefined) {
        throw inputError(`unsupported store \`${location}\`: expected a SQLite file path or a \`postgres://\` URL`, { field: "store" });
    }
    if (location.trim() === "")
        throw inputError("the store location is empty: expected a file path", { field: "store" });
    return SqliteStore.open(location, clock);
}
//# sourceMappingURL=open-store.js.map