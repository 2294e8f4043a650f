import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLI = join(import.meta.dirname, "../../dist/cli/main.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `gatehouse` binary as a user would (npm test builds it first). */
export function gatehouse(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, GATEHOUSE_STORE: "", GATEHOUSE_TENANT: "", ...options.env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `gatehouse` without blocking the test's thread: two runs that do not depend on each other (a
 * step on a local store and the same step through a server) can then run side by side.
 */
export function gatehouseAsync(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, GATEHOUSE_STORE: "", GATEHOUSE_TENANT: "", ...options.env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.input ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A fresh folder for a test's store and files. */
export function workspace(): { dir: string; store: string; file: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-test-"));
  return {
    dir,
    store: join(dir, "gatehouse.db"),
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Creates a token through the CLI, as an operator would, and returns its secret. */
export function createTokenSecret(store: string, name: string, role: string): string {
  const created = gatehouse(["--store", store, "--json", "token", "create", "--name", name, "--role", role]);
  if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`);
  return JSON.parse(created.stdout).secret as string;
}
