import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { v1 } from "@authzed/authzed-node";
import { CLI } from "../support/cli.js";

/** A `gatehouse serve` process started from dist/cli/main.js, as a user starts it. */
export interface ServeProcess {
  readonly process: ChildProcess;
  /** `127.0.0.1:PORT` of its SpiceDB gRPC door. */
  readonly grpc: string;
  /** `http://127.0.0.1:PORT` of its HTTP API. */
  readonly http: string;
  /** What it printed on stderr so far (its banner, warnings). */
  stderr(): string;
}

/**
 * Runs `gatehouse ARGS --port 0 --grpc-port 0` and waits for its banner, which names both
 * ports. Logs at `warn`, so that a failing test shows what went wrong and little else.
 */
export async function startServe(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, ...args, "--port", "0", "--grpc-port", "0"], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  // Up to 60 s: three processes starting together on a loaded machine have needed more than 30.
  for (let i = 0; i < 600; i++) {
    const grpc = /SpiceDB gRPC API \(authzed\.api\.v1[^)]*\) on ([^\s,]+),/.exec(stderr)?.[1];
    const http = /(?:listening on|gateway on|serving the demo store at) (http:\/\/[^\s]+)/.exec(stderr)?.[1];
    if (grpc && http) return { process: child, grpc, http, stderr: () => stderr };
    if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGTERM");
  throw new Error(`serve did not start: ${stderr}`);
}

export async function stopServe(node: { process: ChildProcess } | undefined): Promise<void> {
  if (node?.process.exitCode === null) {
    node.process.kill("SIGTERM");
    await once(node.process, "exit");
  }
}

/** The unmodified @authzed/authzed-node client on a process's gRPC door, plaintext. */
export function clientOf(node: ServeProcess, token: string): ReturnType<typeof v1.NewClient> {
  return v1.NewClient(token, node.grpc, v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS);
}
