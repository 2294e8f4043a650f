import { readFileSync } from "node:fs";
import { GatehouseError } from "../model/errors.js";
import { Refusals } from "../server/refusals.js";
import type { GatehouseServer } from "../server/server.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { AUTHZED_API, DEFAULT_GRPC_PORT, startSpicedbServer } from "./server.js";

/** `gatehouse serve`'s gRPC options. */
export interface GrpcOptions {
  readonly port: number;
  /** Named by the caller: a port that is taken is then an error, not a warning. */
  readonly explicit: boolean;
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/** Reads `--grpc-port`, `--no-grpc`, `--grpc-tls-cert` and `--grpc-tls-key`; undefined: off. */
export function grpcOptions(cli: {
  grpc?: boolean;
  grpcPort?: string;
  grpcTlsCert?: string;
  grpcTlsKey?: string;
}): GrpcOptions | undefined {
  if (cli.grpc === false) return undefined;
  if ((cli.grpcTlsCert === undefined) !== (cli.grpcTlsKey === undefined))
    throw new GatehouseError("usage", "--grpc-tls-cert and --grpc-tls-key go together");
  const text = cli.grpcPort;
  const port = text === undefined ? DEFAULT_GRPC_PORT : Number(text);
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535 ||
    (text !== undefined && !/^\d+$/.test(text.trim()))
  )
    throw new GatehouseError("usage", `--grpc-port expects a port number, got \`${text}\``);
  return {
    port,
    explicit: text !== undefined,
    ...(cli.grpcTlsCert !== undefined && cli.grpcTlsKey !== undefined
      ? { tls: { certFile: cli.grpcTlsCert, keyFile: cli.grpcTlsKey } }
      : {}),
  };
}

/**
 * Starts the SpiceDB door beside a running HTTP server: same Gatehouse, same token rules, and
 * refused calls counted in the same metric. The default port being taken (a second server on
 * the machine) is a warning, not a failure, so `gatehouse serve` keeps working as before.
 */
export async function startGrpc(
  gatehouse: Gatehouse,
  server: GatehouseServer,
  host: string,
  options: GrpcOptions,
): Promise<{ port: number; banner: string; close(): Promise<void> } | undefined> {
  const log = server.app.log;
  const refusals = new Refusals(gatehouse.store, server.metrics.authFailures, log);
  const tls = options.tls
    ? { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }
    : undefined;
  try {
    const grpc = await startSpicedbServer(gatehouse, {
      host,
      port: options.port,
      tls,
      refusals,
      logError: (error) => log.error({ err: error }, "internal error in the SpiceDB gRPC API"),
    });
    return {
      port: grpc.port,
      banner: `SpiceDB gRPC API (${AUTHZED_API}) on ${host}:${grpc.port}, ${tls ? "TLS" : "plaintext h2c"}`,
      async close() {
        await grpc.close();
        await refusals.flush();
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
