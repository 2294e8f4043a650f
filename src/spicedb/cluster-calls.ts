import {
  type CallOptions,
  Client,
  credentials,
  type Deadline,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  status,
  type UntypedHandleCall,
} from "@grpc/grpc-js";
import type { ClusterNode, NodeRecord } from "../cluster/cluster-node.js";
import { HOP_HEADER, NODE_HEADER } from "../cluster/forwarding.js";
import type { HopTarget } from "../cluster/hop.js";
import { type CallAuth, tenantOf } from "./call-auth.js";
import { type CallRouting, callOf, forwardedPeers, type MethodDescriptor } from "./rpc.js";
import { toStatus } from "./status.js";

/** Services whose calls act on one tenant's index or relationships; the schema is store-wide. */
const TENANT_SERVICES = ["/authzed.api.v1.PermissionsService/", "/authzed.api.v1.ExperimentalService/"];

/** Metadata about the connection or the call's framing, which the client sets for itself. */
const NOT_PASSED_ON = new Set(["user-agent", "content-type", "te", "host", "connection"]);

type Bytes = Buffer;
const asIs = (bytes: Bytes) => bytes;

/** What a gRPC call's hop is signed for: its method and the tenant it acts on. */
export function grpcHopTarget(path: string, tenant: string): HopTarget {
  return { method: "gRPC", path: `${path} ${tenant}` };
}

/** The caller's metadata for the holder: its token and tenant with it, and the signed hop. */
function forwardedMetadata(incoming: Metadata, hop: string): Metadata {
  const metadata = new Metadata();
  for (const key of Object.keys(incoming.getMap())) {
    if (NOT_PASSED_ON.has(key) || key.startsWith("grpc-") || key.startsWith(":")) continue;
    for (const value of incoming.get(key)) metadata.add(key, value);
  }
  // Replaces any hop the caller sent.
  metadata.set(HOP_HEADER, hop);
  return metadata;
}

function relayedStatus(error: ServiceError) {
  return { code: error.code, details: error.details, metadata: error.metadata };
}

/** What `#route` needs of an outgoing call, unary or streaming. */
interface OutgoingCall {
  on(event: "metadata", listener: (metadata: Metadata) => void): unknown;
  cancel(): void;
}

interface Log {
  warn(details: object, message: string): void;
}

/**
 * Routes each tenant's SpiceDB gRPC calls to the nodes that hold it, as the HTTP door's
 * forwarding does (src/cluster/forwarding.ts), with the same rules: a call for a tenant this node
 * holds, one already forwarded (`x-gatehouse-forwarded-by`), or one while no node is known is
 * answered here; any other goes to the tenant's best live holder with the caller's metadata (its
 * token among it, so the holder authenticates and authorizes again), then to the next live node
 * in its ranking if that one cannot be reached, and is answered here when none can. A call whose
 * token is missing or unknown is refused here, before anything is sent.
 *
 * Every answer of a cluster node starts with its response headers (`x-gatehouse-node`, the node
 * that answered), sent at once: a forwarder knows that the holder was reached when they arrive,
 * so that only a call that reached no node is tried again (a write is never made twice).
 *
 * Routed: the unary and server-streaming calls of PermissionsService and ExperimentalService
 * (checks, lookups, LookupResources' stream, reads, writes, expand, exports). Answered where they
 * arrive: the schema (store-wide), Watch (it reads the store's revisions, which every node
 * follows, and a stream that lives for hours is better not tied to a second node), and the
 * client-streaming imports (they write to the store, which any node does right).
 */
export class ClusterCalls {
  readonly #cluster: ClusterNode;
  readonly #auth: CallAuth;
  readonly #log: Log;
  readonly #logError: (error: unknown) => void;
  /** One channel per holder's door, kept: a channel per call would cost a connection each. */
  readonly #clients = new Map<string, Client>();

  constructor(cluster: ClusterNode, auth: CallAuth, log: Log, logError: (error: unknown) => void) {
    this.#cluster = cluster;
    this.#auth = auth;
    this.#log = log;
    this.#logError = logError;
  }

  readonly routing: CallRouting = (method, path, local) => {
    const routed =
      TENANT_SERVICES.some((service) => path.startsWith(service)) && method.clientStreaming !== true;
    if (!routed) return this.#answeredHere(local);
    return method.serverStreaming
      ? this.#serverStreaming(method, path, local as handleServerStreamingCall<object, object>)
      : this.#unary(method, path, local as handleUnaryCall<object, object>);
  };

  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  /** The response headers of a call answered here. */
  #answering(call: { sendMetadata(metadata: Metadata): void }): void {
    const metadata = new Metadata();
    if (this.#cluster.id !== "") metadata.set(NODE_HEADER, this.#cluster.id);
    call.sendMetadata(metadata);
  }

  #answeredHere(local: UntypedHandleCall): UntypedHandleCall {
    return ((call: ServerUnaryCall<object, object>, callback: never) => {
      this.#answering(call);
      (local as handleUnaryCall<object, object>)(call, callback);
    }) as UntypedHandleCall;
  }

  /**
   * The nodes to try, in order, before answering here (none: answer here), and the hop to send
   * them. A call whose hop verifies is answered here, its peer the client the hop names; one
   * whose hop does not (a client sent it) is routed as any client's.
   */
  async #targets(
    call: ServerUnaryCall<object, object>,
    path: string,
  ): Promise<{ targets: NodeRecord[]; hop: string }> {
    const site = callOf(call, path);
    const { token } = await this.#auth.authenticate(site);
    const tenant = tenantOf(site, token);
    const signer = this.#cluster.hop;
    const sent = call.metadata.get(HOP_HEADER)[0];
    if (sent !== undefined && signer !== undefined) {
      const check = signer.verify(sent, grpcHopTarget(path, tenant));
      if (check.hop !== undefined) {
        forwardedPeers.set(call, check.hop.client);
        return { targets: [], hop: "" };
      }
      if (check.stale !== undefined)
        this.#log.warn(
          check.stale,
          "cluster: a node's forwarded call was signed too far from this node's clock; routed as a client's",
        );
    }
    if (this.#cluster.holds(tenant) || signer === undefined) return { targets: [], hop: "" };
    const targets = this.#cluster
      .ranked(tenant)
      .filter((node) => node.id !== this.#cluster.id && node.grpcUrl !== null);
    return {
      targets,
      hop: signer.sign(grpcHopTarget(path, tenant), { node: this.#cluster.id, client: site.peer }),
    };
  }

  #client(node: NodeRecord): Client {
    const url = new URL(node.grpcUrl!);
    let client = this.#clients.get(url.href);
    if (client === undefined) {
      client = new Client(
        url.host,
        url.protocol === "grpcs:" ? credentials.createSsl() : credentials.createInsecure(),
      );
      this.#clients.set(url.href, client);
    }
    return client;
  }

  /** The call as it goes to a holder: its request, the caller's metadata with the hop, its deadline. */
  #forwarded(
    method: MethodDescriptor,
    call: { request: object; metadata: Metadata; getDeadline(): Deadline },
    hop: string,
  ): [Bytes, Metadata, CallOptions] {
    return [
      Buffer.from(method.I.toBinary(call.request as never)),
      forwardedMetadata(call.metadata, hop),
      { deadline: call.getDeadline() },
    ];
  }

  #unreachable(error: unknown, node: NodeRecord): void {
    this.#log.warn({ err: error, node: node.id }, "cluster: a holder's gRPC door could not be reached");
  }

  /**
   * The forwarding both kinds of call share: the call's targets tried in order (`send` starts it
   * at one node and hands back the outgoing call; it calls `unreached` with an error that came
   * before any response header, which moves on to the next node and answers true, and is false
   * once the node was reached, when the error is the holder's to relay); past the last target,
   * or with none, `here` answers it on this node. A caller's cancel reaches the current attempt.
   */
  #route(
    call: ServerUnaryCall<object, object> | ServerWritableStream<object, object>,
    path: string,
    here: () => void,
    send: (target: NodeRecord, hop: string, unreached: (error: ServiceError) => boolean) => OutgoingCall,
    refuse: (error: unknown) => void,
  ): void {
    let cancel: (() => void) | undefined;
    call.on("cancelled", () => cancel?.());
    const attempt = (targets: readonly NodeRecord[], hop: string, at: number): void => {
      const target = targets[at];
      if (target === undefined) {
        this.#answering(call);
        here();
        return;
      }
      let reached = false;
      const out = send(target, hop, (error) => {
        if (reached) return false;
        this.#unreachable(error, target);
        attempt(targets, hop, at + 1);
        return true;
      });
      out.on("metadata", (metadata: Metadata) => {
        reached = true;
        call.sendMetadata(metadata);
      });
      cancel = () => out.cancel();
    };
    this.#targets(call as ServerUnaryCall<object, object>, path).then(
      ({ targets, hop }) => attempt(targets, hop, 0),
      refuse,
    );
  }

  #unary(
    method: MethodDescriptor,
    path: string,
    local: handleUnaryCall<object, object>,
  ): handleUnaryCall<object, object> {
    return (call, callback) =>
      this.#route(
        call,
        path,
        () => local(call, callback),
        (target, hop, unreached) =>
          this.#client(target).makeUnaryRequest<Bytes, Bytes>(
            path,
            asIs,
            asIs,
            ...this.#forwarded(method, call, hop),
            (error, answer) => {
              if (error) {
                if (!unreached(error)) callback(relayedStatus(error));
              }
              // Bytes: sent as they came (rpc.ts).
              else callback(null, answer as unknown as object);
            },
          ),
        (error) => callback(toStatus(error, this.#logError)),
      );
  }

  #serverStreaming(
    method: MethodDescriptor,
    path: string,
    local: handleServerStreamingCall<object, object>,
  ): handleServerStreamingCall<object, object> {
    return (call: ServerWritableStream<object, object>) =>
      this.#route(
        call,
        path,
        () => local(call),
        (target, hop, unreached) => {
          let ended: { code: status } | undefined;
          const out = this.#client(target).makeServerStreamRequest<Bytes, Bytes>(
            path,
            asIs,
            asIs,
            ...this.#forwarded(method, call, hop),
          );
          // A slow caller slows the holder, not this node's memory.
          out.on("data", (chunk: Bytes) => {
            if (!call.write(chunk)) {
              out.pause();
              call.once("drain", () => out.resume());
            }
          });
          out.on("error", (error: ServiceError) => {
            if (!unreached(error)) call.emit("error", relayedStatus(error));
          });
          out.on("status", (received) => {
            ended = received;
          });
          // After the last message: `status` can come while messages still wait in the stream.
          out.on("end", () => {
            if (ended?.code === status.OK) call.end();
          });
          return out;
        },
        (error) => call.emit("error", toStatus(error, this.#logError)),
      );
  }
}
