import { inputError } from "../model/errors.js";
import type { Store } from "./store.js";

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Opens the store a `--store` value names: a `postgres://` URL (`?schema=NAME` for a schema
 * other than `public`) or otherwise a SQLite file path (`:memory:` for a throwaway store). Any
 * other URL is refused rather than taken for a file name. Only the driver in use is loaded: `pg`
 * costs a cold command on a SQLite file about 0.1 s of CPU, for nothing.
 */
export async function openStore(location: string, options: { now?: () => Date } = {}): Promise<Store> {
  const clock = options.now ? { now: options.now } : {};
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    const { PostgresStore } = await import("./postgres/postgres-store.js");
    return PostgresStore.open(location, clock);
  }
  if (scheme !== undefined) {
    throw inputError(
      `unsupported store \`${location}\`: expected a SQLite file path or a \`postgres://\` URL`,
      { field: "store" },
    );
  }
  if (location.trim() === "")
    throw inputError("the store location is empty: expected a file path", { field: "store" });
  const { SqliteStore } = await import("./sqlite/sqlite-store.js");
  return SqliteStore.open(location, clock);
}

/**
 * Removes a SQLite file store and everything kept beside it (its `-wal` and `-shm` files, its
 * index snapshot files): what `demo --reset` replaces. The caller has made sure no process has it open.
 */
export async function removeSqliteStore(path: string): Promise<void> {
  const { rmSync } = await import("node:fs");
  const { snapshotFilesDir } = await import("./sqlite/snapshot-files.js");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  rmSync(snapshotFilesDir(path), { recursive: true, force: true });
}
