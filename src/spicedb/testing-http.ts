import { rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../server/server.js";
import { addSpicedbGateway } from "./serve-grpc.js";
import type { TestingStore, TestingStores } from "./testing-stores.js";

/**
 * How many tokens' HTTP APIs are kept built at once. One costs about 5 MiB (its routes, schemas
 * and OpenAPI document) against about 0.6 MiB for a store alone, so fewer are kept than stores
 * (MAX_TESTING_STORES): past the bound the least recently used one is closed, its store kept,
 * and built again on that token's next HTTP request.
 */
export const MAX_TESTING_HTTP_APIS = 50;

export interface TestingHttp {
  readonly url: string;
  close(): Promise<void>;
}

export interface TestingHttpOptions {
  readonly host: string;
  readonly port: number;
  /** The log level of each store's HTTP API (pino's). */
  readonly logLevel: string;
  /** Default MAX_TESTING_HTTP_APIS. */
  readonly maxApis?: number;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
};

/**
 * The HTTP port of `serve --testing`: the whole HTTP API and SpiceDB's HTTP gateway, each bearer
 * token on its own store. A request is handed, unread, to the HTTP API built on its token's
 * store (built on the token's first HTTP request), so routes, validation and errors are exactly
 * those of `gatehouse serve`. Without a token only `/healthz` answers; anything else is a 401
 * that says how testing tokens work.
 */
export async function startTestingHttp(
  stores: TestingStores,
  options: TestingHttpOptions,
): Promise<TestingHttp> {
  // Purge export bundles are the one thing the HTTP API writes to files; in testing they go to a
  // directory of this process's own, removed when it stops.
  const exportDir = join(tmpdir(), `gatehouse-testing-${process.pid}`);
  // In the order of their last use, least recent first (a Map iterates in insertion order).
  const apps = new Map<TestingStore, { app: Promise<FastifyInstance>; close(): Promise<void> }>();
  const build = async (store: TestingStore): Promise<FastifyInstance> => {
    const server = await buildServer(store.gatehouse, { logger: { level: options.logLevel }, exportDir });
    // Nothing but this process writes an in-memory store: there is nothing to follow.
    server.stopFollowing();
    addSpicedbGateway(store.gatehouse, server);
    await server.app.ready();
    return server.app;
  };
  const appOf = (store: TestingStore): Promise<FastifyInstance> => {
    const hit = apps.get(store);
    if (hit) {
      apps.delete(store);
      apps.set(store, hit);
      return hit.app;
    }
    while (apps.size >= (options.maxApis ?? MAX_TESTING_HTTP_APIS)) {
      const [, oldest] = apps.entries().next().value as [TestingStore, { close(): Promise<void> }];
      // `close` takes the API out of `apps` before its first await, so the loop moves on.
      oldest.close().catch((error: unknown) => {
        process.stderr.write(
          `serve --testing: closing a token's HTTP API failed: ${(error as Error).stack}\n`,
        );
      });
    }
    const app = build(store);
    // Closed when dropped past the bound, or with its store (dropped, or the server stops).
    const close = async () => {
      apps.delete(store);
      const at = store.closers.indexOf(close);
      if (at >= 0) store.closers.splice(at, 1);
      await app.then(
        (built) => built.close(),
        () => undefined,
      );
    };
    store.closers.push(close);
    apps.set(store, { app, close });
    return app;
  };

  const lobby = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/healthz") return json(res, 200, { ok: true, testing: true });
    json(
      res,
      401,
      {
        error: {
          kind: "unauthenticated",
          message:
            "missing bearer token: this is `gatehouse serve --testing`, where any `Authorization: Bearer <secret>` works and each distinct secret is its own empty in-memory store",
        },
      },
      { "www-authenticate": "Bearer" },
    );
  };

  const http = createServer((req, res) => {
    const header = req.headers.authorization;
    const secret = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (!secret) return lobby(req, res);
    stores
      .open(secret)
      .then(appOf)
      .then(
        (app) => app.routing(req, res),
        (error: unknown) => {
          process.stderr.write(`serve --testing: opening a store failed: ${(error as Error).stack}\n`);
          json(res, 500, {
            error: { kind: "internal", message: "opening the token's testing store failed" },
          });
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await rm(exportDir, { recursive: true, force: true });
    },
  };
}
