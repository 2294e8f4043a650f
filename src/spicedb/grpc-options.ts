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
