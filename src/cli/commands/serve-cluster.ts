import { hostname } from "node:os";
import type { Command } from "commander";
import { parseMemoryBudget } from "../../cluster/memory-budget.js";
import { parseReplicas } from "../../cluster/placement.js";
import { GatehouseError } from "../../model/errors.js";
import { env } from "../env.js";

/** `serve --cluster`'s settings; the node's address is known only once it listens. */
export interface ClusterOptions {
  /** Absent: the host name and port it listens on. */
  readonly id?: string | undefined;
  /** Absent: the address it listens on. */
  readonly advertiseUrl?: string | undefined;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  readonly replicas: number;
}

/** Heartbeat every 2 s; a node whose beat stood still for three of them (6 s) is gone. */
const DEFAULT_HEARTBEAT_SECONDS = 2;
const BEATS_TO_TIMEOUT = 3;

interface ClusterFlags {
  cluster?: boolean;
  nodeId?: string;
  advertiseUrl?: string;
  heartbeat?: string;
  nodeTimeout?: string;
  replicas?: string;
  memoryBudget?: string;
}

export function addClusterFlags(command: Command): Command {
  return command
    .option(
      "--cluster",
      "one node of several on one PostgreSQL store: hold only this node's share of the tenants and forward the others' requests to their holders",
    )
    .option("--node-id <id>", "this node's name in the cluster (env GATEHOUSE_NODE_ID; default host:port)")
    .option(
      "--advertise-url <url>",
      "where the other nodes and clients reach this node (env GATEHOUSE_ADVERTISE_URL; default the address it listens on)",
    )
    .option("--heartbeat <seconds>", `seconds between heartbeats (default ${DEFAULT_HEARTBEAT_SECONDS})`)
    .option(
      "--node-timeout <seconds>",
      `seconds without a heartbeat before a node is gone and its tenants move (default ${BEATS_TO_TIMEOUT} heartbeats)`,
    )
    .option(
      "--replicas <n>",
      "copies of each tenant across the nodes, 1 or more; 1.5: half the tenants have two (default 1)",
    )
    .option(
      "--memory-budget <size>",
      "drop the least recently used tenants' indexes past this estimate, e.g. 2GB (relationships × 250 B); a later request loads them again",
    );
}

function seconds(text: string, flag: string): number {
  const value = Number(text.trim().replace(/s$/, ""));
  if (!Number.isFinite(value) || value <= 0 || text.trim() === "")
    throw new GatehouseError("usage", `${flag} expects a number of seconds above 0, e.g. 2, got \`${text}\``);
  return Math.round(value * 1000);
}

/** Reads the cluster flags: undefined without `--cluster` (and then no other cluster flag may be given). */
export function clusterOptions(
  flags: ClusterFlags,
  serving: { workers: number; host: string },
): ClusterOptions | undefined {
  if (!flags.cluster) {
    const stray = (
      [
        ["nodeId", "--node-id"],
        ["advertiseUrl", "--advertise-url"],
        ["heartbeat", "--heartbeat"],
        ["nodeTimeout", "--node-timeout"],
        ["replicas", "--replicas"],
      ] as const
    ).find(([key]) => flags[key] !== undefined);
    if (stray)
      throw new GatehouseError(
        "usage",
        `${stray[1]} is a setting of --cluster: add --cluster or leave it out`,
      );
    return undefined;
  }
  if (serving.workers > 1)
    throw new GatehouseError(
      "usage",
      "--cluster runs one process per node: leave out --workers (run more nodes instead)",
    );
  const heartbeatMs = seconds(flags.heartbeat ?? String(DEFAULT_HEARTBEAT_SECONDS), "--heartbeat");
  const timeoutMs =
    flags.nodeTimeout !== undefined
      ? seconds(flags.nodeTimeout, "--node-timeout")
      : heartbeatMs * BEATS_TO_TIMEOUT;
  if (timeoutMs <= heartbeatMs)
    throw new GatehouseError(
      "usage",
      `--node-timeout must be longer than --heartbeat (a node would be gone between two of its own beats), got ${timeoutMs / 1000} s and ${heartbeatMs / 1000} s`,
    );
  const advertiseUrl = flags.advertiseUrl ?? env("GATEHOUSE_ADVERTISE_URL");
  if (advertiseUrl !== undefined && !URL.canParse(advertiseUrl))
    throw new GatehouseError(
      "usage",
      `--advertise-url expects a URL such as http://10.0.0.5:8080, got \`${advertiseUrl}\``,
    );
  if (advertiseUrl === undefined && ["0.0.0.0", "::", "[::]"].includes(serving.host))
    throw new GatehouseError(
      "usage",
      `--host ${serving.host} listens on every address: name the one the other nodes reach this one at with --advertise-url`,
    );
  return {
    id: flags.nodeId ?? env("GATEHOUSE_NODE_ID"),
    advertiseUrl,
    heartbeatMs,
    timeoutMs,
    replicas: parseReplicas(flags.replicas ?? "1"),
  };
}

/** `--memory-budget` in bytes, or undefined. */
export function memoryBudgetOption(flags: ClusterFlags): number | undefined {
  return flags.memoryBudget === undefined ? undefined : parseMemoryBudget(flags.memoryBudget);
}

/**
 * The node's id and addresses once it listens at `listening` (and its gRPC door, if it has one,
 * on `grpc.port`): the door is advertised on the host of the HTTP address.
 */
export function nodeIdentity(
  options: ClusterOptions,
  listening: string,
  grpc?: { port: number; tls: boolean },
): { id: string; url: string; grpcUrl?: string } {
  const url = new URL(options.advertiseUrl ?? listening);
  return {
    id: options.id ?? `${hostname()}:${url.port}`,
    url: url.origin,
    ...(grpc ? { grpcUrl: `${grpc.tls ? "grpcs" : "grpc"}://${url.hostname}:${grpc.port}` } : {}),
  };
}
