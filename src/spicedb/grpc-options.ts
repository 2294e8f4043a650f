import type { Command } from "commander";
import { GatehouseError } from "../model/errors.js";

/**
 * `gatehouse serve`'s gRPC flags, kept apart from the server so that the CLI reads them without
 * loading grpc-js and the authzed messages (every command loads the CLI; only `serve` needs them).
 */

/** SpiceDB's own gRPC port, so that clients keep their address's port. */
export const DEFAULT_GRPC_PORT = 50051;

/** `gatehouse serve`'s gRPC options. */
export interface GrpcOptions {
  readonly port: number;
  /** Named by the caller: a port that is taken is then an error, not a warning. */
  readonly explicit: boolean;
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/** The gRPC flags, on `serve` and on `demo --serve` alike. */
export function addGrpcFlags(command: Command): Command {
  return command
    .option(
      "--grpc-port <port>",
      "port of SpiceDB's gRPC API, authzed.api.v1 (default 50051, left out with a warning when taken); 0: a free port",
    )
    .option("--no-grpc", "do not serve SpiceDB's gRPC API")
    .option("--grpc-tls-cert <file>", "PEM certificate chain: serve gRPC over TLS (with --grpc-tls-key)")
    .option("--grpc-tls-key <file>", "PEM private key of --grpc-tls-cert");
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
