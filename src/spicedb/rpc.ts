import type {
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  MethodDefinition,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { CallSite } from "./call-auth.js";
import { SpicedbError, toStatus } from "./status.js";

/**
 * A protobuf-ts message type as @authzed/authzed-node ships it: binary encoding only is used,
 * so the wire format is exactly SpiceDB's without a proto file in this project.
 */
interface MessageType {
  fromBinary(bytes: Uint8Array): object;
  toBinary(message: never): Uint8Array;
  /** proto3 JSON mapping, for the HTTP gateway. */
  fromJson(json: never): object;
  toJson(message: never): unknown;
  create(value: never): object;
}

/** A method of a protobuf-ts `ServiceType` (`v1.PermissionsService.methods[i]`). */
export interface MethodDescriptor {
  readonly name: string;
  readonly serverStreaming?: boolean | undefined;
  readonly clientStreaming?: boolean | undefined;
  readonly I: MessageType;
  readonly O: MessageType;
  /** `google.api.http`: the HTTP gateway's path. */
  readonly options: { readonly [name: string]: unknown };
}

/** A protobuf-ts `ServiceType` (`v1.PermissionsService`, `v1.SchemaService`, ...). */
export interface ServiceDescriptor {
  readonly typeName: string;
  readonly methods: readonly MethodDescriptor[];
}

/** A call as handlers see it: who sent it, and whether the client went away. */
export interface Call extends CallSite {
  cancelled(): boolean;
}

// Handlers take and give the package's message interfaces; this adapter only moves bytes.
export type Unary<I, O> = (request: I, call: Call) => Promise<O>;
export type ServerStream<I, O> = (
  request: I,
  call: Call,
  send: (message: O) => Promise<void>,
) => Promise<void>;
export type ClientStream<I, O> = (requests: AsyncIterable<I>, call: Call) => Promise<O>;

/** The handlers of one service by method name; a method left out answers UNIMPLEMENTED with `why`. */
export interface ServiceHandlers {
  // biome-ignore lint/suspicious/noExplicitAny: each handler is typed by its own file; this map only routes by name
  readonly [method: string]: Unary<any, any> | ServerStream<any, any> | ClientStream<any, any>;
}

/**
 * Puts a method's calls through a router (a cluster node's, which sends a call to the node that
 * holds its tenant): given the method and the handler that answers here, the handler the server
 * uses. A router may answer with the bytes of an answer received elsewhere: they are sent as they are.
 */
export type CallRouting = (
  method: MethodDescriptor,
  path: string,
  local: UntypedHandleCall,
) => UntypedHandleCall;

export interface ServiceBinding {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

/**
 * Calls forwarded by another cluster node whose hop verified, and the address of the client
 * behind each (src/spicedb/cluster-calls.ts sets it): that address is the call's peer, audited.
 */
export const forwardedPeers = new WeakMap<object, string>();

export function callOf(
  call: { metadata: CallSite["metadata"]; getPeer(): string; cancelled: boolean },
  path: string,
): Call {
  const peer = forwardedPeers.get(call) ?? call.getPeer();
  return { metadata: call.metadata, peer, path, cancelled: () => call.cancelled };
}

/**
 * The grpc-js definition and implementation of one authzed.api.v1 service, built from the
 * package's service descriptor: paths, streaming kinds and (de)serialisers all come from it.
 * Every error a handler throws becomes a status in one place (`toStatus`).
 */
export function bindService(
  service: ServiceDescriptor,
  handlers: ServiceHandlers,
  unimplemented: (method: string) => string,
  log: (error: unknown) => void,
  routing?: CallRouting,
): ServiceBinding {
  const definition: Record<string, MethodDefinition<object, object>> = {};
  const implementation: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const path = `/${service.typeName}/${method.name}`;
    definition[method.name] = {
      path,
      requestStream: method.clientStreaming === true,
      responseStream: method.serverStreaming === true,
      requestSerialize: (message) => Buffer.from(method.I.toBinary(message as never)),
      requestDeserialize: (bytes) => method.I.fromBinary(bytes),
      // Bytes are an answer relayed from another node (see CallRouting): already encoded.
      responseSerialize: (message) =>
        message instanceof Uint8Array
          ? Buffer.from(message.buffer, message.byteOffset, message.byteLength)
          : Buffer.from(method.O.toBinary(message as never)),
      responseDeserialize: (bytes) => method.O.fromBinary(bytes),
    };
    const handler =
      handlers[method.name] ??
      (async () => {
        throw new SpicedbError("UNIMPLEMENTED", `${method.name}: ${unimplemented(method.name)}`);
      });
    const local: UntypedHandleCall = method.serverStreaming
      ? serverStreaming(handler as ServerStream<object, object>, path, log)
      : method.clientStreaming
        ? clientStreaming(handler as ClientStream<object, object>, path, log)
        : unary(handler as Unary<object, object>, path, log);
    implementation[method.name] = routing ? routing(method, path, local) : local;
  }
  return { definition, implementation };
}

/** Sends a unary answer, or the status of its error. */
function respond(
  work: Promise<object>,
  callback: (error: ReturnType<typeof toStatus> | null, response?: object) => void,
  log: (e: unknown) => void,
): void {
  work.then(
    (response) => callback(null, response),
    (error) => callback(toStatus(error, log)),
  );
}

function unary(
  handler: Unary<object, object>,
  path: string,
  log: (e: unknown) => void,
): handleUnaryCall<object, object> {
  return (call: ServerUnaryCall<object, object>, callback) =>
    respond(handler(call.request, callOf(call, path)), callback, log);
}

function clientStreaming(
  handler: ClientStream<object, object>,
  path: string,
  log: (e: unknown) => void,
): handleClientStreamingCall<object, object> {
  return (call: ServerReadableStream<object, object>, callback) =>
    respond(handler(call as AsyncIterable<object>, callOf(call, path)), callback, log);
}

function serverStreaming(
  handler: ServerStream<object, object>,
  path: string,
  log: (e: unknown) => void,
): handleServerStreamingCall<object, object> {
  return (call: ServerWritableStream<object, object>) => {
    // A slow reader holds the stream, not the server's memory: wait for it to drain.
    const send = (message: object) =>
      new Promise<void>((resolve) => {
        if (call.cancelled || call.write(message)) resolve();
        else call.once("drain", () => resolve());
      });
    handler(call.request, callOf(call, path), send).then(
      () => call.end(),
      (error) => {
        const status = toStatus(error, log);
        call.emit("error", { code: status.code, details: status.details, metadata: status.metadata });
      },
    );
  };
}
