import { Metadata, status } from "@grpc/grpc-js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { clientAddressOf } from "../cluster/hop.js";
import type { Refusals } from "../server/refusals.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { CallAuth, storeOf, TENANT_HEADER } from "./call-auth.js";
import { ERROR_DOMAIN, ERROR_INFO_TYPE } from "./error-info.js";
import type { Call, ServerStream, ServiceDescriptor, Unary } from "./rpc.js";
import { spicedbServices } from "./services.js";
import { SpicedbError, toStatus } from "./status.js";

/** grpc-gateway's HTTP status for each gRPC code, as SpiceDB's gateway answers. */
const HTTP_STATUS: Record<number, number> = {
  [status.CANCELLED]: 499,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

/** The body grpc-gateway gives a failed call: `{ code, message, details }`. */
function errorBody(error: unknown, log: (e: unknown) => void) {
  const s = toStatus(error, log);
  const facts = s.metadata.get("gatehouse-facts")[0];
  return {
    http: HTTP_STATUS[s.code] ?? 500,
    body: {
      code: s.code,
      message: s.details,
      details: [
        // As grpc-gateway renders a google.rpc.ErrorInfo (an Any in proto3 JSON).
        ...(s.info ? [{ "@type": ERROR_INFO_TYPE, domain: ERROR_DOMAIN, ...s.info }] : []),
        ...(facts ? [{ gatehouseFacts: JSON.parse(String(facts)) }] : []),
      ],
    },
  };
}

function callOfRequest(request: FastifyRequest, reply: FastifyReply, path: string): Call {
  const metadata = new Metadata();
  const authorization = request.headers.authorization;
  if (authorization) metadata.set("authorization", authorization);
  const tenant = request.headers[TENANT_HEADER];
  if (typeof tenant === "string") metadata.set(TENANT_HEADER, tenant);
  metadata.set("x-request-id", request.id);
  // The request stream is done (and destroyed) once its body is read; the response tells whether the client left.
  return { metadata, peer: clientAddressOf(request), path, cancelled: () => reply.raw.destroyed };
}

/**
 * SpiceDB's HTTP gateway on the HTTP port: every served authzed.api.v1 call as JSON at SpiceDB's
 * path (`POST /v1/permissions/check`, `/v1/relationships/read`, `/v1/schema/read` ...), taken
 * from the descriptors' `google.api.http` options, with the proto3 JSON mapping of the package's
 * messages. The handlers are the gRPC door's own, so tokens, tenants, guards and status codes are
 * the same; an error is grpc-gateway's `{ code, message, details }` with its HTTP status.
 * Streaming calls answer newline-delimited `{"result": ...}` objects, as grpc-gateway does.
 * Client-streaming calls (bulk import) are gRPC only.
 */
export function registerSpicedbGateway(
  app: FastifyInstance,
  gatehouse: Gatehouse,
  options: { refusals?: Refusals | undefined; logError?: ((error: unknown) => void) | undefined } = {},
): void {
  const door = { auth: new CallAuth(storeOf(gatehouse), options.refusals) };
  const log = options.logError ?? (() => undefined);
  for (const [service, handlers] of spicedbServices(door))
    for (const method of service.methods) {
      const http = method.options["google.api.http"] as { post?: string } | undefined;
      const handler = handlers[method.name];
      if (!http?.post || !handler || method.clientStreaming) continue;
      const path = `/${service.typeName}/${method.name}`;
      app.post(
        http.post,
        {
          schema: {
            operationId: `spicedb${serviceName(service)}${method.name}`,
            summary: `SpiceDB's ${service.typeName}.${method.name} (HTTP gateway, proto3 JSON${method.serverStreaming ? '; newline-delimited `{"result": ...}` objects' : ""})`,
            tags: ["spicedb"],
            body: { type: "object" },
          },
          // The token first, before the body is read or parsed: an unauthenticated caller
          // costs no parsing and learns nothing of what its body would have done (401).
          onRequest: async (request, reply) => {
            try {
              await door.auth.authenticate(callOfRequest(request, reply, path));
            } catch (error) {
              const failed = errorBody(error, log);
              return reply.status(failed.http).send(failed.body);
            }
          },
        },
        async (request, reply) => {
          const call = callOfRequest(request, reply, path);
          try {
            let input: object;
            try {
              input = method.I.fromJson((request.body ?? {}) as never);
            } catch (error) {
              throw new SpicedbError(
                "INVALID_ARGUMENT",
                `the body is not a ${method.name} request: ${(error as Error).message}`,
              );
            }
            if (!method.serverStreaming) {
              const output = await (handler as Unary<object, object>)(input, call);
              return reply.send(method.O.toJson(method.O.create(output as never) as never));
            }
            return await stream(
              reply,
              method.O,
              (send) => (handler as ServerStream<object, object>)(input, call, send),
              log,
            );
          } catch (error) {
            const failed = errorBody(error, log);
            return reply.status(failed.http).send(failed.body);
          }
        },
      );
    }
}

function serviceName(service: ServiceDescriptor): string {
  return service.typeName.slice(service.typeName.lastIndexOf(".") + 1);
}

/**
 * Streams newline-delimited results. The status line waits for the first result, so that a call
 * refused before it (a bad token) still answers with its HTTP status; an error after it is the
 * stream's last line, `{"error": ...}`.
 */
async function stream(
  reply: FastifyReply,
  type: { toJson(message: never): unknown; create(value: never): object },
  run: (send: (message: object) => Promise<void>) => Promise<void>,
  log: (e: unknown) => void,
): Promise<FastifyReply> {
  const raw = reply.raw;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    reply.hijack();
    raw.writeHead(200, { "content-type": "application/x-ndjson", "x-request-id": reply.request.id });
  };
  try {
    await run(async (message) => {
      start();
      const line = `${JSON.stringify({ result: type.toJson(type.create(message as never) as never) })}\n`;
      if (!raw.write(line)) await new Promise((resolve) => raw.once("drain", resolve));
    });
  } catch (error) {
    if (!started) throw error;
    raw.write(`${JSON.stringify({ error: errorBody(error, log).body })}\n`);
  }
  start();
  raw.end();
  return reply;
}
