import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { CLI } from "./cli.js";

export interface ServeProcess {
  readonly process: ChildProcess;
  readonly url: string;
  /** Everything it wrote to stderr so far (its logs). */
  stderr(): string;
}

/** Starts `gatehouse --store STORE serve --port 0 ...args` as a process of its own, once it listens. */
export async function startServe(store: string, args: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "--store", store, "serve", "--port", "0", ...args], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_LOG_LEVEL ?? "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  for (let i = 0; i < 400; i++) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(stderr);
    if (match) return { process: child, url: match[1]!, stderr: () => stderr };
    if (child.exitCode !== null) throw new Error(`node exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`node did not start: ${stderr}`);
}

/** Stops a process started by `startServe` (SIGTERM), if it still runs; its exit code. */
export async function stopServe(
  node: ServeProcess | undefined,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  if (node === undefined || node.process.exitCode !== null || node.process.signalCode !== null)
    return node?.process.exitCode ?? null;
  node.process.kill(signal);
  const [code] = await once(node.process, "exit");
  return code as number | null;
}

/** `serve --cluster` flags of a test node: quick beats, and a node timed out after one second. */
export const clusterNodeFlags = (id: string): string[] => [
  "--cluster",
  "--node-id",
  id,
  "--heartbeat",
  "0.2",
  "--node-timeout",
  "1",
];
