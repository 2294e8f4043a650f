import { GatehouseError } from "../model/errors.js";
import { env } from "./env.js";
import { checkContextName, contextsFile, readContexts } from "./server-contexts.js";

/** A server, the token to present to it, and where they were given (for messages). */
export interface ServerTarget {
  readonly url: string;
  readonly token: string;
  /** `--server`, `GATEHOUSE_SERVER`, or `context \`prod\``. */
  readonly from: string;
}

interface TargetOptions {
  store?: string | undefined;
  server?: string | undefined;
  token?: string | undefined;
  context?: string | undefined;
  command?: string | undefined;
}

/** Commands about the contexts themselves, which never talk to a server. */
const CONTEXT_COMMANDS = /^context\b/;

/**
 * The commands that run through a server as well as on a local store (over `Operations`), and
 * those that need neither. Every other command works on a local store only and refuses a server:
 * `serve` and `demo` open a store by nature; the rest (rollout, shadow, replay, decisions,
 * incident) have no `Operations` yet and must not quietly fall back to a local `./gatehouse.db`.
 */
const RUNS_ANYWHERE: ReadonlySet<string> = new Set([
  "schema read",
  "schema write",
  "relationship create",
  "relationship touch",
  "relationship delete",
  "relationship bulk-delete",
  "relationship read",
  "import",
  "permission check",
  "permission lookup-resources",
  "permission lookup-subjects",
  "change propose",
  "change plan",
  "change approve",
  "change withdraw",
  "change reject",
  "change apply",
  "change revert",
  "change list",
  "change show",
  "audit list",
  "audit verify",
  "restore",
  "revision show",
  "revision list",
  "guards read",
  "guards write",
  "subject delete",
  "subject restore",
  "subject purge",
  "subject merge",
  "tenant delete",
  "tenant restore",
  "tenant purge",
  "retention show",
  "retention set",
  "retention collect",
  "token create",
  "token list",
  "token revoke",
  "validate",
]);

/**
 * Commands that open a store by nature: a current context (a standing choice made earlier)
 * does not stop them, as `npm start` must work for someone who also talks to a server; a
 * server given to the command itself (`--server`, `GATEHOUSE_SERVER`, `--context`) does.
 */
const LOCAL_BY_NATURE: ReadonlySet<string> = new Set(["serve", "demo"]);

/** Refuses, before it does anything, a local-only command when a server is given. */
export function refuseRemoteIfLocalOnly(options: TargetOptions): void {
  const command = options.command ?? "";
  if (RUNS_ANYWHERE.has(command) || CONTEXT_COMMANDS.test(command)) return;
  const server = serverTargetOf(options);
  if (!server) return;
  if (LOCAL_BY_NATURE.has(command) && options.context === undefined && server.from.startsWith("context"))
    return;
  refuseRemote(command, server);
}

/**
 * Which server a command runs through, if any. Flags beat the environment, which beats the
 * context chosen with `gatehouse context use`: `--server`, then `--store` (local), then
 * `GATEHOUSE_SERVER`, then `GATEHOUSE_STORE` (local), then `--context` or the current context;
 * with none of them, the local store `./gatehouse.db`. A token comes from `--token`, else
 * `GATEHOUSE_TOKEN`, else the context that named the server.
 */
export function serverTargetOf(options: TargetOptions): ServerTarget | undefined {
  if (options.command !== undefined && CONTEXT_COMMANDS.test(options.command)) return undefined;
  if (options.server !== undefined && options.store !== undefined)
    throw new GatehouseError(
      "usage",
      "--server and --store both given: a command runs either through a server or on a local store",
    );
  if (options.server !== undefined) return withToken(options.server, "--server", options.token);
  if (options.store !== undefined) return undefined;
  const fromEnv = env("GATEHOUSE_SERVER");
  if (fromEnv !== undefined) return withToken(fromEnv, "GATEHOUSE_SERVER", options.token);
  if (env("GATEHOUSE_STORE") !== undefined) return undefined;
  const contexts = readContexts();
  const name = options.context ?? contexts.current ?? undefined;
  if (name === undefined) {
    if (options.token !== undefined)
      throw new GatehouseError(
        "usage",
        "--token is for a server: give --server URL (or GATEHOUSE_SERVER) too",
      );
    return undefined;
  }
  const chosen = contexts.contexts[checkContextName(name)];
  if (!chosen)
    throw new GatehouseError(
      "not_found",
      `there is no context \`${name}\` in ${contextsFile()}: \`gatehouse context list\` shows the contexts; \`gatehouse context set ${name} --server URL --token SECRET\` adds it`,
    );
  const token = options.token ?? env("GATEHOUSE_TOKEN") ?? chosen.token;
  return { url: checkUrl(chosen.server, `context \`${name}\``), token, from: `context \`${name}\`` };
}

function withToken(url: string, from: string, flag: string | undefined): ServerTarget {
  const token = flag ?? env("GATEHOUSE_TOKEN");
  if (token === undefined)
    throw new GatehouseError(
      "usage",
      `a server is given (${from}) but no token: pass --token SECRET or set GATEHOUSE_TOKEN (a token is made with \`gatehouse token create\` on the server's store)`,
    );
  return { url: checkUrl(url, from), token, from };
}

/** An http(s) URL, checked before anything is sent to it. */
export function checkUrl(text: string, from: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new GatehouseError(
      "usage",
      `${from} expects a server address such as \`http://127.0.0.1:8080\`, got \`${text}\``,
    );
  return text.replace(/\/+$/, "");
}

/** Refuses a command that works on a local store only, naming where the server came from. */
export function refuseRemote(command: string, server: ServerTarget): never {
  throw new GatehouseError(
    "usage",
    `\`gatehouse ${command}\` runs on a local store only, and a server is given (${server.from}): run it with --store PATH on the store's machine${server.from.startsWith("context") ? "" : `, or leave out ${server.from}`}`,
  );
}
