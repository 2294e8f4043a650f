import { readFileSync } from "node:fs";
import type { ClusterNode } from "../cluster/cluster-node.js";
import { Refusals } from "../server/refusals.js";
import type { GatehouseServer } from "../server/server.js";
import type { Gatehouse } from "../service/gatehouse.js";
import type { StoreOfSecret } from "./call-auth.js";
import { registerSpicedbGateway } from "./gateway.js";
import type { GrpcOptions } from "./grpc-options.js";
import { AUTHZED_API, startSpicedbServer } from "./server.js";

/**
 * Starts the SpiceDB door beside a running HTTP server: same Gatehouse, same token rules, and
 * refused calls counted in the same metric.
 */
export async function startGrpc(
  gatehouse: Gatehouse,
  server: GatehouseServer,
  host: string,
  options: GrpcOptions,
  cluster?: ClusterNode,
): Promise<GrpcDoor | undefined> {
  const log = server.app.log;
  const refusals = new Refusals(gatehouse.audit, server.metrics.authFailures, log);
  return startGrpcDoor(gatehouse, host, options, { refusals, log }, cluster);
}

/** A started gRPC door: its port, the banner line that says so, and how to stop it. */
export interface GrpcDoor {
  readonly port: number;
  /** Whether it serves TLS. */
  readonly tls: boolean;
  readonly banner: string;
  close(): Promise<void>;
}

/** Where the door's refusals and internal errors go. */
export interface GrpcReporting {
  readonly refusals?: Refusals | undefined;
  readonly log: {
    warn(details: object, message: string): void;
    error(details: object, message: string): void;
  };
}

/**
 * Starts the SpiceDB door on one store (`serve`, `demo --serve`) or on a store per token
 * (`serve --testing`). The default port being taken (a second server on the machine) is a
 * warning, not a failure, so that the HTTP API keeps working as before; a port the caller named
 * being taken is an error.
 */
export async function startGrpcDoor(
  stores: Gatehouse | StoreOfSecret,
  host: string,
  options: GrpcOptions,
  reporting: GrpcReporting,
  cluster?: ClusterNode,
): Promise<GrpcDoor | undefined> {
  const { refusals, log } = reporting;
  const tls = options.tls
    ? { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }
    : undefined;
  try {
    const grpc = await startSpicedbServer(stores, {
      host,
      port: options.port,
      tls,
      refusals,
      logError: (error) => log.error({ err: error }, "internal error in the SpiceDB gRPC API"),
      cluster: cluster
        ? { node: cluster, warn: (details, message) => log.warn(details, message) }
        : undefined,
    });
    return {
      port: grpc.port,
      tls: tls !== undefined,
      banner: `SpiceDB gRPC API (${AUTHZED_API}) on ${host}:${grpc.port}, ${tls ? "TLS" : "plaintext h2c"}`,
      async close() {
        await grpc.close();
        await refusals?.flush();
      },
    };
  } catch (error) {
    if (options.explicit) throw error;
    log.warn(
      { err: error },
      `SpiceDB gRPC API not started: port ${options.port} is not free; pass --grpc-port N`,
    );
    return undefined;
  }
}

/**
 * SpiceDB's HTTP gateway paths on the HTTP server, before it listens; refused calls are counted
 * and audited as the HTTP API's are.
 */
export function addSpicedbGateway(gatehouse: Gatehouse, server: GatehouseServer): void {
  const log = server.app.log;
  const refusals = new Refusals(gatehouse.audit, server.metrics.authFailures, log);
  server.app.addHook("onClose", async () => refusals.flush());
  registerSpicedbGateway(server.app, gatehouse, {
    refusals,
    logError: (error) => log.error({ err: error }, "internal error in the SpiceDB HTTP gateway"),
  });
}
