import { existsSync } from "node:fs";
import { GatehouseError } from "../model/errors.js";

/**
 * Commands that may create the store they are pointed at: the ones a new user starts with.
 * Every other command reads or changes a store that must already be there, so a mistyped
 * `--store` path is an error naming the path rather than a new, empty store that answers
 * "no schema has been written yet" with exit 0.
 */
export const STORE_CREATING_COMMANDS: ReadonlySet<string> = new Set([
  "schema write",
  "relationship create",
  "relationship touch",
  "import",
  "token create",
  "guards write",
  "retention set",
  "serve",
  "demo",
]);

/** `postgres://...` and other URLs, and `:memory:`, are not files that can be missing. */
function isFilePath(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && location !== ":memory:";
}

/** Refuses a SQLite store location where there is no file, for commands that must not create one. */
export function requireExistingStore(location: string): void {
  if (!isFilePath(location) || existsSync(location)) return;
  throw new GatehouseError(
    "not_found",
    `there is no store at \`${location}\` (from --store, GATEHOUSE_STORE or the default ./gatehouse.db): ` +
      "check the path; a store is created by `gatehouse schema write FILE`, `gatehouse import FILE`, `gatehouse token create` or `gatehouse serve`",
  );
}
