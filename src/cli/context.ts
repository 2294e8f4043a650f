import { createReadStream, openSync, readFileSync } from "node:fs";
import { GatehouseError } from "../model/errors.js";
import { DEFAULT_TENANT } from "../model/names.js";
import { decodeTextFile } from "../model/text-file.js";
import type { DecisionLogOptions } from "../service/decision-log.js";
import { Gatehouse } from "../service/gatehouse.js";
import { decisionLogOptions } from "./decision-log-options.js";
import { env } from "./env.js";
import { createOutput, type Output } from "./output.js";
import { requireExistingStore } from "./store-presence.js";

/** Options every command accepts (see `main.ts`). */
export interface GlobalOptions {
  store?: string;
  tenant?: string;
  json?: boolean;
  as?: string;
  /** Set by the program for the commands that may create a store that is not there yet. */
  createsStore?: boolean;
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
}

export function contextOf(options: GlobalOptions): CommandContext {
  return {
    storeLocation: options.store ?? env("GATEHOUSE_STORE") ?? "./gatehouse.db",
    tenant: options.tenant ?? env("GATEHOUSE_TENANT") ?? DEFAULT_TENANT,
    actor: options.as ?? env("GATEHOUSE_ACTOR") ?? env("USER") ?? "local",
    out: createOutput(options.json === true),
    decisionLog: decisionLogOptions(),
    mayCreateStore: options.createsStore === true,
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

/** Opens the store for one command and always closes it, so the SQLite file is left clean. */
export async function withGatehouse<T>(
  context: CommandContext,
  run: (gatehouse: Gatehouse) => Promise<T>,
): Promise<T> {
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
