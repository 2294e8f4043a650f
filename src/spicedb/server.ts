import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import type { Refusals } from "../server/refusals.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { CallAuth, type StoreOfSecret, storeOf } from "./call-auth.js";
import { ClusterCalls } from "./cluster-calls.js";
import type { SpicedbDoor } from "./door.js";
import { bindService } from "./rpc.js";
import { spicedbServices, unimplemented } from "./services.js";

/** The SpiceDB API version served: the one `@authzed/authzed-node` ships (its descriptors are used). */
export const AUTHZED_API = "authzed.api.v1, as @authzed/authzed-node 1.6 ships it";

export interface SpicedbServerOptions {
  readonly host: string;
  /** 0: a free port (tests); the bound one is returned. */
  readonly port: number;
  /** PEM certificate chain and key: TLS. Absent: plaintext HTTP/2 (h2c), as `spicedb serve` without TLS. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** Where refused calls are counted and audited (the HTTP server's, so both doors share the metric). */
  readonly refusals?: Refusals | undefined;
  /** Internal errors, with their detail (callers see a plain INTERNAL). */
  readonly logError?: ((error: unknown) => void) | undefined;
  /** One node of several (`serve --cluster`): each tenant's calls go to its holders (cluster-calls.ts). */
  readonly cluster?: { readonly node: ClusterNode; warn(details: object, message: string): void } | undefined;
}

export interface SpicedbServer {
  readonly port: number;
  /** Stops taking calls and lets those in flight finish (streams such as Watch are cancelled). */
  close(): Promise<void>;
}

/**
 * SpiceDB's gRPC API (`authzed.api.v1`) in front of Gatehouse, so that applications using the
 * official clients switch by changing an address. Every call goes through the service layer:
 * writes through the guarded doors as door `spicedb`, with the token's principal. `stores` is the
 * one Gatehouse every token acts on, or which store each token reaches (`serve --testing`).
 */
export async function startSpicedbServer(
  stores: Gatehouse | StoreOfSecret,
  options: SpicedbServerOptions,
): Promise<SpicedbServer> {
  const door: SpicedbDoor = {
    auth: new CallAuth(typeof stores === "function" ? stores : storeOf(stores), options.refusals),
  };
  const log = options.logError ?? (() => undefined);
  const server = new Server({ "grpc.max_receive_message_length": 32 * 1024 * 1024 });
  const services = spicedbServices(door);
  const cluster = options.cluster
    ? new ClusterCalls(options.cluster.node, door.auth, options.cluster, log)
    : undefined;
  for (const [service, handlers] of services) {
    const binding = bindService(service, handlers, unimplemented, log, cluster?.routing);
    server.addService(binding.definition, binding.implementation);
  }
  const credentials = options.tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }])
    : ServerCredentials.createInsecure();
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Streams such as Watch never end by themselves: give calls a moment, then end them.
        const force = setTimeout(() => {
          server.forceShutdown();
          cluster?.close();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          cluster?.close();
          resolve();
        });
      }),
  };
}
