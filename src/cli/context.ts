import { createReadStream, openSync, readFileSync } from "node:fs";
import { GatehouseError } from "../model/errors.js";
import { DEFAULT_TENANT } from "../model/names.js";
import { decodeTextFile } from "../model/text-file.js";
import type { DecisionLogOptions } from "../service/decision-log.js";
import { Gatehouse } from "../service/gatehouse.js";
import { LocalOperations } from "../service/local-operations.js";
import type { Operations } from "../service/operations.js";
import { decisionLogOptions } from "./decision-log-options.js";
import { env } from "./env.js";
import { createOutput, type Output } from "./output.js";
import { type ServerTarget, serverTargetOf } from "./server-target.js";
import { requireExistingStore } from "./store-presence.js";

/** Options every command accepts (see `main.ts`). */
export interface GlobalOptions {
  store?: string;
  tenant?: string;
  json?: boolean;
  as?: string;
  /** Set by the program for the commands that may create a store that is not there yet. */
  createsStore?: boolean;
  /** A Gatehouse server to run the command through (env GATEHOUSE_SERVER), and its token. */
  server?: string;
  token?: string;
  /** A named server context (`gatehouse context set`) for this command. */
  context?: string;
  /** Set by the program: the command about to run (`schema write`), for messages. */
  command?: string;
}

export interface CommandContext {
  readonly storeLocation: string;
  readonly tenant: string;
  readonly actor: string;
  readonly out: Output;
  /** Every command records the checks it answers (see `decision-log-options.ts`). */
  readonly decisionLog: DecisionLogOptions;
  /** False for commands that need an existing store (see `store-presence.ts`). */
  readonly mayCreateStore: boolean;
  /** The server the command runs through; undefined in local mode (see `server-target.ts`). */
  readonly server: ServerTarget | undefined;
}

export function contextOf(options: GlobalOptions): CommandContext {
  const server = serverTargetOf(options);
  // Through a server the token's name is the actor: an `--as` there would be silently ignored.
  if (server && options.as !== undefined)
    throw new GatehouseError(
      "usage",
      `--as names the actor on a local store; through a server (${server.from}) the token's name acts: use that person's token`,
    );
  return {
    storeLocation: options.store ?? env("GATEHOUSE_STORE") ?? "./gatehouse.db",
    tenant: options.tenant ?? env("GATEHOUSE_TENANT") ?? DEFAULT_TENANT,
    actor: options.as ?? env("GATEHOUSE_ACTOR") ?? env("USER") ?? "local",
    out: createOutput(options.json === true),
    decisionLog: decisionLogOptions(),
    mayCreateStore: options.createsStore === true,
    server,
  };
}

/**
 * `GATEHOUSE_NOW` (an ISO time) fixes the clock of one command, for rehearsals and tests of
 * time-bound rules such as the retention window before a purge. The store records the same
 * time, so approvals and plans of that command compare on one clock.
 */
export function clockOf(): (() => Date) | undefined {
  const text = env("GATEHOUSE_NOW");
  if (text === undefined) return undefined;
  const time = new Date(text);
  if (!/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(time.getTime())) {
    throw new GatehouseError(
      "usage",
      `GATEHOUSE_NOW expects an ISO time such as \`2030-01-02T03:04:05Z\`, got \`${text}\``,
    );
  }
  return () => new Date(time.getTime());
}

/**
 * Opens the store for one command and always closes it, so the SQLite file is left clean. For
 * the commands that work on a local store only (the program refuses them a server before they
 * run: `refuseRemoteIfLocalOnly`); `withOperations` runs the others either way.
 */
export function withGatehouse<T>(
  context: CommandContext,
  run: (gatehouse: Gatehouse) => Promise<T>,
): Promise<T> {
  return openLocal(context, run);
}

/**
 * Runs a command's operations through the server it was given, or else on the local store
 * (opened for the command and always closed): the command is written once, over `Operations`.
 */
export async function withOperations<T>(
  context: CommandContext,
  run: (operations: Operations) => Promise<T>,
): Promise<T> {
  if (context.server) {
    // Loaded only here: it parses change files (the YAML parser), which a local check never needs.
    const { RemoteOperations } = await import("./remote-operations.js");
    const remote = new RemoteOperations(context.server);
    try {
      return await run(remote);
    } finally {
      await remote.close();
    }
  }
  return openLocal(context, (gatehouse) =>
    run(new LocalOperations(gatehouse, { actor: context.actor, door: "cli" }, context.storeLocation)),
  );
}

async function openLocal<T>(context: CommandContext, run: (gatehouse: Gatehouse) => Promise<T>): Promise<T> {
  if (!context.mayCreateStore) requireExistingStore(context.storeLocation);
  const now = clockOf();
  const gatehouse = await Gatehouse.open(context.storeLocation, {
    decisionLog: context.decisionLog,
    ...(now ? { now, clockInStore: true } : {}),
  });
  try {
    return await run(gatehouse);
  } finally {
    await gatehouse.close();
  }
}

/** Reads a file argument, or standard input for `-`. */
export function readInput(path: string): { text: string; file: string } {
  if (path === "-") return { text: decodeTextFile(readFileSync(0), "<stdin>"), file: "<stdin>" };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  return { text: decodeTextFile(bytes, path), file: path };
}

function unreadable(path: string, error: unknown): GatehouseError {
  const code = (error as NodeJS.ErrnoException).code;
  return new GatehouseError(
    "input",
    code === "ENOENT"
      ? `file \`${path}\` does not exist`
      : `cannot read \`${path}\`: ${(error as Error).message}`,
  );
}

/**
 * A file argument (or standard input for `-`) as a stream of chunks, for inputs too big to hold
 * (an import). The file is opened here, so that a missing one is refused before anything starts.
 */
export function streamInput(path: string): { source: AsyncIterable<Uint8Array>; file: string } {
  if (path === "-") return { source: process.stdin, file: "<stdin>" };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw unreadable(path, error);
  }
  // 1 MiB reads: a tenth of the system calls of the default 64 KiB, still a small buffer.
  return { source: createReadStream(path, { fd, highWaterMark: 1024 * 1024 }), file: path };
}

export function parseRevision(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new GatehouseError("usage", `${flag} expects a revision number, got \`${text}\``);
  }
  return Number(text);
}
