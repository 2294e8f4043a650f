import type { Command } from "commander";
import { ClusterNode } from "../../cluster/cluster-node.js";
import { MemoryBudget } from "../../cluster/memory-budget.js";
import { GatehouseError } from "../../model/errors.js";
import { isWorker, MAX_WORKERS, superviseWorkers } from "../../server/workers.js";
import type { DecisionLogOptions } from "../../service/decision-log.js";
import { Gatehouse } from "../../service/gatehouse.js";
import { addGrpcFlags, type GrpcOptions, grpcOptions } from "../../spicedb/grpc-options.js";
import { contextOf, type GlobalOptions } from "../context.js";
import { decisionLogOptions } from "../decision-log-options.js";
import { env } from "../env.js";
import { forTerminal } from "../output.js";
import { markServing } from "../serving-marker.js";
import {
  addClusterFlags,
  type ClusterOptions,
  clusterOptions,
  memoryBudgetOption,
  nodeIdentity,
} from "./serve-cluster.js";

/** How often a server removes relationships expired longer ago than the retention window. */
const COLLECT_EXPIRED_MS = 60 * 60 * 1_000;

export interface ServeOptions {
  readonly store: string;
  readonly host: string;
  readonly port: number;
  /** Where purge export bundles are written. */
  readonly exportDir?: string;
  /** Sampling and retention of the decision log (default: every check, 30 days). */
  readonly decisionLog?: DecisionLogOptions;
  /** Printed once the server listens (the demo adds its walkthrough). */
  readonly banner?: (url: string) => string;
  /** Server processes behind the port (default 1); see src/server/workers.ts. */
  readonly workers?: number;
  /** SpiceDB's gRPC API beside the HTTP API (see src/spicedb/serve-grpc.ts); absent: off. */
  readonly grpc?: GrpcOptions;
  /** One node of several (`--cluster`); absent: this node answers every tenant. */
  readonly cluster?: ClusterOptions;
  /** `--memory-budget` in bytes: least recently used tenants are dropped past it. */
  readonly memoryBudget?: number;
}

/**
 * Runs the HTTP server until SIGTERM or SIGINT, then stops taking requests, lets those in flight
 * finish, and closes the store.
 */
/** How often a server looks for tenants whose index snapshot is due (index-snapshots.ts). */
const SNAPSHOT_CHECK_MS = 5_000;

export async function serve(options: ServeOptions): Promise<void> {
  const workers = options.workers ?? 1;
  // The banner names the store: its password goes (the demo's banner shows its token on purpose).
  const given = options.banner;
  const banner = given ? (url: string) => forTerminal(given(url), { tokens: false }) : undefined;
  if (workers > 1 && !isWorker()) {
    // Open the store once here, so that its migrations run before N workers open it together
    // and a store that cannot be opened fails once, with its message.
    await (await Gatehouse.open(options.store)).close();
    return superviseWorkers({ workers, ...(banner ? { banner } : {}) });
  }
  const gatehouse = await Gatehouse.open(options.store, {
    decisionLog: options.decisionLog ?? {},
    // A tenant changed enough since its last snapshot gets a new one, off the request path.
    indexSnapshots: { background: { everyMs: SNAPSHOT_CHECK_MS } },
  });
  // Loaded here, not at the top: every CLI command loads this file, and the HTTP server's
  // libraries (Fastify, its schemas, the docs) cost a quarter of a second that only `serve` needs.
  const { buildServer } = await import("../../server/server.js");
  const budget =
    options.memoryBudget !== undefined ? new MemoryBudget(gatehouse.engine, options.memoryBudget) : undefined;
  const log = (level: "info" | "warn") => (fields: object, message: string) =>
    server.app.log[level](fields, message);
  // The node's id and address are known once it listens; until then it answers every tenant.
  const cluster = options.cluster
    ? new ClusterNode(
        gatehouse,
        {
          heartbeatMs: options.cluster.heartbeatMs,
          timeoutMs: options.cluster.timeoutMs,
          replicas: options.cluster.replicas,
        },
        { info: log("info"), warn: log("warn") },
        budget,
      )
    : undefined;
  const server = await buildServer(gatehouse, {
    logger: { level: process.env.GATEHOUSE_LOG_LEVEL ?? "info" },
    ...(options.exportDir ? { exportDir: options.exportDir } : {}),
    ...(budget ? { memoryBudget: budget } : {}),
    ...(cluster ? { cluster } : {}),
  });
  // Loaded here, not at the top: every CLI command loads this file, only `serve` needs SpiceDB's API.
  const spicedb = await import("../../spicedb/serve-grpc.js");
  spicedb.addSpicedbGateway(gatehouse, server);
  let grpc: { port: number; tls: boolean; banner: string; close(): Promise<void> } | undefined;
  let stopping = false;
  // Relationships that expired longer ago than the retention window go without an operator,
  // hourly as the decision log's purge; every node may run it (a second finds nothing).
  const collector = setInterval(
    () =>
      void gatehouse.lifecycle
        .collectExpired({ actor: "gatehouse", reason: "expired longer ago than the retention window" })
        .catch((error: unknown) =>
          server.app.log.warn({ err: error }, "collecting expired relationships failed"),
        ),
    COLLECT_EXPIRED_MS,
  );
  collector.unref();
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(collector);
    server.app.log.info({ signal }, "shutting down: finishing requests in flight");
    server.stopFollowing();
    // The row goes first, so that the others take this node's tenants while its requests finish.
    await cluster?.stop();
    await grpc?.close();
    await server.app.close();
    await gatehouse.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  const url = await server.app.listen({ host: options.host, port: options.port });
  if (options.grpc) grpc = await spicedb.startGrpc(gatehouse, server, options.host, options.grpc, cluster);
  if (cluster && options.cluster) {
    const identity = nodeIdentity(options.cluster, url, grpc);
    await cluster.start(identity);
    server.app.log.info({ node: identity.id, url: identity.url }, "cluster: joined");
  }
  if (!isWorker()) markServing(options.store, url);
  // Workers leave the banner to the primary, which prints it once all of them listen.
  if (banner && !isWorker()) process.stderr.write(`${banner(url)}${grpc ? `\n${grpc.banner}` : ""}\n`);
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new GatehouseError("usage", `--port expects a port number, got \`${text}\``);
  return port;
}

/** `--workers`: a whole number of processes, from 1 to MAX_WORKERS. */
export function parseWorkers(text: string): number {
  const workers = Number(text);
  if (!/^\d+$/.test(text.trim()) || workers < 1 || workers > MAX_WORKERS)
    throw new GatehouseError(
      "usage",
      `--workers expects a whole number of processes from 1 to ${MAX_WORKERS}, got \`${text}\``,
    );
  return workers;
}

export function registerServe(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command("serve")
    .option("--port <port>", "port to listen on", "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--workers <n>",
      "server processes sharing the port, one per core is typical (env GATEHOUSE_WORKERS; default 1); each is a node: pass atLeastRevision to read your writes",
    );
  addClusterFlags(addGrpcFlags(command))
    .option(
      "--testing",
      "a server for client test suites, as `spicedb serve-testing`: any bearer token works and each distinct token is its own empty in-memory store; no --store, nothing written to disk",
    )
    .option("--export-dir <dir>", "where purge export bundles are written", "./gatehouse-exports")
    .option(
      "--decision-sample <fraction>",
      "fraction of checks the decision log records, 0 to 1, or `off` (env GATEHOUSE_DECISION_SAMPLE; default 1)",
    )
    .option(
      "--decision-retention <days>",
      "days the decision log keeps a check, e.g. 30d (env GATEHOUSE_DECISION_RETENTION; default 30)",
    )
    .description("run the HTTP API (tokens required; create one with `gatehouse token create`)")
    .action(async (options) => {
      if (options.testing) {
        if (options.workers !== undefined)
          throw new GatehouseError("usage", "--testing runs one process: leave out --workers");
        if (globals().store !== undefined)
          throw new GatehouseError(
            "usage",
            "--testing keeps each token's store in memory and opens no store: leave out --store",
          );
        const { serveTesting } = await import("./serve-testing.js");
        return serveTesting({
          host: options.host,
          port: parsePort(options.port),
          grpc: grpcOptions(options),
        });
      }
      const context = contextOf(globals());
      const workers = parseWorkers(options.workers ?? env("GATEHOUSE_WORKERS") ?? "1");
      const cluster = clusterOptions(options, { workers, host: options.host });
      const memoryBudget = memoryBudgetOption(options);
      await serve({
        store: context.storeLocation,
        host: options.host,
        port: parsePort(options.port),
        workers,
        grpc: grpcOptions(options),
        ...(cluster ? { cluster } : {}),
        ...(memoryBudget !== undefined ? { memoryBudget } : {}),
        exportDir: options.exportDir,
        decisionLog: decisionLogOptions({
          sample: options.decisionSample,
          retention: options.decisionRetention,
        }),
        banner: (url) =>
          `gatehouse listening on ${url} (store ${context.storeLocation}); console at ${url}/console, API description at ${url}/docs`,
      });
    });
}
