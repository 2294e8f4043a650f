import cluster, { type Worker } from "node:cluster";
import type { AddressInfo } from "node:net";
import { AggregatorRegistry, type Registry } from "prom-client";
import { redactSecrets } from "../model/secrets.js";

/**
 * `gatehouse serve --workers N`: N server processes behind one port (node:cluster), so that
 * checks use every core. Each worker is a node in the sense of PRODUCT.md: it keeps its own
 * indexes, follows the store's revisions as any other node does, and answers a request that
 * names `atLeastRevision` only once it has caught up. The primary process serves nothing: it
 * forks the workers, restarts one that dies, forwards the stop signals, and gathers the workers'
 * metrics so that `/metrics` (answered by whichever worker the connection reached) counts all
 * of them.
 */

const METRICS_REQUEST = "gatehouse:metrics-request";
const METRICS_REPLY = "gatehouse:metrics-reply";

/** Restarts allowed within `RESTART_WINDOW_MS` before the primary gives up (a crash loop). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

export const MAX_WORKERS = 64;

export function isWorker(): boolean {
  return cluster.isWorker;
}

export interface PrimaryOptions {
  readonly workers: number;
  /** Printed once, when every worker listens. */
  readonly banner?: (url: string) => string;
}

/** Runs the primary: resolves once every worker listens; exits the process when they stop. */
export function superviseWorkers(options: PrimaryOptions): Promise<void> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let everListened = false;
  const listening = new Set<number>();
  const restarts: number[] = [];
  // The workers' log shape (pino's): level 30 info, 40 warn, 50 error.
  const log = (level: 30 | 40 | 50, message: string, fields: Record<string, unknown> = {}) =>
    process.stderr.write(
      `${redactSecrets(JSON.stringify({ level, time: Date.now(), pid: process.pid, role: "primary", ...fields, msg: message }))}\n`,
    );

  cluster.on("message", (worker: Worker, message: { type?: string; id?: number }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: METRICS_REPLY, id: message.id, text }),
      (error: Error) =>
        worker.isConnected() && worker.send({ type: METRICS_REPLY, id: message.id, error: error.message }),
    );
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(30, "shutting down: workers finish their requests in flight", { signal });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));

  return new Promise((resolve) => {
    cluster.on("listening", (worker: Worker, address: AddressInfo) => {
      listening.add(worker.id);
      if (everListened || listening.size < options.workers) return;
      everListened = true;
      if (options.banner) process.stderr.write(`${options.banner(urlOf(address))}\n`);
      resolve();
    });
    cluster.on("exit", (worker: Worker, code: number | null, signal: string | null) => {
      listening.delete(worker.id);
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      // A worker that fails before any worker listened failed to start (its own message is
      // already on stderr): starting it again would fail the same way.
      if (!everListened) {
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
        process.exitCode = code ?? 1;
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        log(50, "workers keep stopping; giving up", {
          restarts: restarts.length,
          windowMs: RESTART_WINDOW_MS,
        });
        stop("SIGTERM");
        process.exitCode = 1;
        return;
      }
      log(40, "a worker stopped; starting another", { worker: worker.process.pid, code, signal });
      cluster.fork();
    });
    for (let i = 0; i < options.workers; i++) cluster.fork();
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * In a worker: lets the primary read this worker's metrics (prom-client's cluster protocol),
 * and returns how to get everyone's: asked of the primary, which asks every worker.
 */
export function shareMetrics(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's side of the protocol
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on("message", (message: { type?: string; id?: number; text?: string; error?: string }) => {
    if (message?.type !== METRICS_REPLY || message.id === undefined) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.text ?? "");
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error("the primary process did not send the workers' metrics within 10 s"));
      }, 10_000);
      waiting.set(id, {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}
