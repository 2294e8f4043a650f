import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { NodeRecord } from "../store/node-records.js";
import type { ClusterNode } from "./cluster-node.js";
import { hopPath } from "./hop.js";

/** On every answer of a cluster node: the id of the node that answered. */
export const NODE_HEADER = "x-gatehouse-node";
/**
 * On a forwarded request: the node that forwarded it, signed (src/cluster/hop.ts). The receiver
 * answers it itself, whatever it thinks of the placement, so a request is forwarded at most once
 * and never loops; and it audits the client the hop names. A hop that does not verify (a client
 * sent it, or it is old) counts for nothing: the request is routed as any client's.
 */
export const HOP_HEADER = "x-gatehouse-forwarded-by";

/** Headers about one connection, not the request: never passed on. */
const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
  "upgrade",
  "expect",
  "te",
  "trailer",
  "proxy-connection",
]);
/** Not passed back either: fetch has already decoded the body and knows its length. */
const ANSWER_DROPPED = new Set([...HOP_BY_HOP, "content-encoding"]);

function tenantOf(request: FastifyRequest): string | undefined {
  return (request.params as { tenant?: string } | undefined)?.tenant;
}

/**
 * The holder's address for a request: its origin, then the request's path and query. Never
 * `new URL(request.url, holder)`: a request target in absolute form (`POST http://elsewhere/v1/...`,
 * which Node passes on as it came and the router matches by its path) or one starting with `//`
 * would replace the holder's host, and the caller's token would go wherever the caller chose.
 */
export function holderUrl(requestUrl: string, holder: string): string {
  return `${new URL(holder).origin}${hopPath(requestUrl)}`;
}

/** The request's headers for the holder: the caller's own (its token with them) and the signed hop. */
function forwardedHeaders(request: FastifyRequest, cluster: ClusterNode): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  headers.set("x-request-id", request.id);
  // INVARIANT: a node forwards only once it knows other nodes, so after `start`, which made the signer.
  const hop = cluster.hop!.sign(
    { method: request.method, path: hopPath(request.url) },
    { node: cluster.id, client: request.ip },
  );
  // Replaces any hop the caller sent.
  headers.set(HOP_HEADER, hop);
  return headers;
}

async function relay(reply: FastifyReply, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  reply.code(response.status);
  for (const [name, value] of response.headers) if (!ANSWER_DROPPED.has(name)) reply.header(name, value);
  reply.send(body);
}

/** Reads a body whole, up to `limit` bytes; a longer one comes back unread past that, as a stream. */
async function readBody(payload: Readable, limit: number): Promise<Buffer | Readable> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = payload[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) return Buffer.concat(chunks, length);
    const chunk = Buffer.from(next.value as Uint8Array);
    chunks.push(chunk);
    length += chunk.length;
    if (length > limit)
      return Readable.from(
        (async function* () {
          yield* chunks;
          for (let rest = await iterator.next(); !rest.done; rest = await iterator.next()) yield rest.value;
        })(),
      );
  }
}

/** A body already read, for this node's own parser, with the length Fastify checks against. */
function asPayload(body: Buffer): Readable {
  const stream = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
  stream.receivedEncodedLength = body.length;
  return stream;
}

/**
 * Routes each tenant's requests to the nodes that hold it. A request for a tenant this node
 * holds (or one already forwarded, or one while no node is known) is answered here; any other
 * is sent to the tenant's best live holder, then to the next live node in its ranking if that
 * one cannot be reached, and answered here when none can. Only requests that passed this
 * node's authentication (an `onRequest` hook) get here; the caller's headers go with them, its
 * token among them, so the holder authenticates and authorizes again as for a direct request.
 * Bodies are read whole first (they are bounded by the body limit), so that a holder that
 * cannot be reached costs a retry, not the request; a streamed import (`text/plain`, of any
 * length) is passed through as it arrives, and fails with 503 when its holder cannot be reached.
 */
/** The route whose body is passed through as it arrives (see `installForwarding`). */
const STREAMED_IMPORT_ROUTE = "/v1/tenants/:tenant/import/stream";

/**
 * Verifies a request's hop before anything else looks at the request (authentication audits
 * the client it names), and marks the request as forwarded (`request.forwardedBy`) when it holds.
 */
export function installHopCheck(app: FastifyInstance, cluster: ClusterNode): void {
  app.addHook("onRequest", (request, _reply, done) => {
    const value = request.headers[HOP_HEADER];
    if (value !== undefined && cluster.hop !== undefined) {
      const check = cluster.hop.verify(value, { method: request.method, path: hopPath(request.url) });
      if (check.hop !== undefined) request.forwardedBy = check.hop;
      else if (check.stale !== undefined)
        request.log.warn(
          check.stale,
          "cluster: a node's forwarded request was signed too far from this node's clock; routed as a client's",
        );
    }
    done();
  });
}

export function installForwarding(app: FastifyInstance, cluster: ClusterNode, bodyLimit: number): void {
  app.addHook("onRequest", (_request, reply, done) => {
    if (cluster.id !== "") reply.header(NODE_HEADER, cluster.id);
    done();
  });
  app.addHook("preParsing", async (request, reply, payload) => {
    const tenant = tenantOf(request);
    if (tenant === undefined || request.forwardedBy !== undefined || cluster.holds(tenant)) return payload;
    const targets: NodeRecord[] = [...cluster.ranked(tenant)].filter((node) => node.id !== cluster.id);
    const headers = forwardedHeaders(request, cluster);
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    // Only the streamed import is passed through unread: any other body (JSON, or the check
    // lines of `/checks/text`) is bounded by the body limit, read whole, and retried elsewhere.
    const streamed = hasBody && request.routeOptions.url === STREAMED_IMPORT_ROUTE;
    if (streamed) {
      try {
        const response = await fetch(holderUrl(request.url, targets[0]!.url), {
          method: request.method,
          headers,
          body: Readable.toWeb(payload) as ReadableStream,
          duplex: "half",
        } as RequestInit);
        await relay(reply, response);
      } catch (error) {
        request.log.warn(
          { err: error, node: targets[0]!.id },
          "cluster: forwarding a streamed import failed",
        );
        reply
          .code(503)
          .header("retry-after", "1")
          .send({
            error: {
              kind: "unavailable",
              message: `node ${targets[0]!.id}, which holds tenant ${tenant}, could not be reached; send the import again`,
            },
          });
      }
      return payload;
    }
    const body = hasBody ? await readBody(payload, bodyLimit) : undefined;
    // Too long to hold: this node's parser refuses it with its usual message.
    if (body instanceof Readable) return body;
    for (const target of targets) {
      let response: Response;
      try {
        response = await fetch(holderUrl(request.url, target.url), {
          method: request.method,
          headers,
          ...(body !== undefined ? { body } : {}),
        });
      } catch (error) {
        request.log.warn({ err: error, node: target.id }, "cluster: a holder could not be reached");
        continue;
      }
      await relay(reply, response);
      return payload;
    }
    return body === undefined ? payload : asPayload(body);
  });
}
