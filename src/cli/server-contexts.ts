import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { GatehouseError } from "../model/errors.js";
import { env } from "./env.js";

/** A named server and its token, as `zed context` keeps them. */
export interface ServerContext {
  readonly server: string;
  readonly token: string;
}

export interface ServerContexts {
  /** The context `context use` chose; commands talk to it unless told otherwise. */
  current: string | null;
  contexts: Record<string, ServerContext>;
}

/**
 * Where the contexts live: `$GATEHOUSE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/gatehouse`, else
 * `~/.config/gatehouse` (the user's config dir, as other command lines keep their contexts).
 */
export function contextsFile(): string {
  const dir =
    env("GATEHOUSE_CONFIG_DIR") ?? join(env("XDG_CONFIG_HOME") ?? join(homedir(), ".config"), "gatehouse");
  return join(dir, "contexts.json");
}

const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function checkContextName(name: string): string {
  if (!CONTEXT_NAME.test(name))
    throw new GatehouseError(
      "usage",
      `invalid context name \`${name}\`: expected letters, digits, \`.\`, \`_\` and \`-\`, 1 to 63 characters, starting with a letter or digit`,
    );
  return name;
}

export function readContexts(file = contextsFile()): ServerContexts {
  if (!existsSync(file)) return { current: null, contexts: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new GatehouseError(
      "input",
      `cannot read the contexts file \`${file}\` (${(error as Error).message}): fix it or delete it and \`gatehouse context set\` again`,
    );
  }
  const p = parsed as Partial<ServerContexts> | null;
  if (p === null || typeof p !== "object" || typeof p.contexts !== "object" || p.contexts === null)
    throw new GatehouseError(
      "input",
      `the contexts file \`${file}\` is not one gatehouse wrote (expected \`{"current": ..., "contexts": {...}}\`): fix it or delete it`,
    );
  return { current: typeof p.current === "string" ? p.current : null, contexts: p.contexts };
}

/**
 * Writes the contexts readable by the user only (0600, in a 0700 folder): they hold token
 * secrets. The file is replaced whole, so a crash never leaves half of it.
 */
export function writeContexts(contexts: ServerContexts, file = contextsFile()): void {
  const dir = join(file, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(contexts, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // the mode above is narrowed by the umask only, never widened
  renameSync(temporary, file);
}
