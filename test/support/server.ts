import { buildServer, type GatehouseServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { createToken } from "../../src/service/tokens.js";
import { openStore } from "../../src/store/open-store.js";
import type { Role } from "../../src/store/token-records.js";

export interface RunningServer {
  readonly url: string;
  readonly gatehouse: Gatehouse;
  readonly server: GatehouseServer;
  token(name: string, role: Role, tenants?: string[]): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: any }>;
  /** A POST whose body is sent as written (`type`: its content type), answered as text. */
  post(
    path: string,
    options: { token: string; body: string; type: string },
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on a free loopback port, over the given store location. `now` sets the
 * clock of the server and of its store alike (drills move it past a retention window).
 */
export async function startServer(
  store = ":memory:",
  logger: Parameters<typeof buildServer>[1] = {},
  options: { now?: () => Date } = {},
): Promise<RunningServer> {
  const gatehouse = options.now
    ? await Gatehouse.withStore(await openStore(store, { now: options.now }), { now: options.now })
    : await Gatehouse.open(store);
  const server = await buildServer(gatehouse, logger);
  const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url,
    gatehouse,
    server,
    async token(name, role, tenants) {
      return (await createToken(gatehouse.store, { name, role, tenants: tenants ?? null, actor: "test" }))
        .secret;
    },
    async call(method, path, options = {}) {
      if (method === "GET" || method === "HEAD") options = { ...options, body: undefined };
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (metrics)
      }
      return { status: response.status, body };
    },
    async post(path, options) {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.token}`, "content-type": options.type },
        body: options.body,
      });
      return { status: response.status, text: await response.text() };
    },
    async close() {
      server.stopFollowing();
      await server.app.close();
      await gatehouse.close();
    },
  };
}

/** A server with `schema` written and an admin token (`root`), as many HTTP tests start. */
export async function startServerWithSchema(schema: string): Promise<{ s: RunningServer; admin: string }> {
  const s = await startServer();
  const admin = await s.token("root", "admin");
  const written = await s.call("PUT", "/v1/schema", { token: admin, body: { schema } });
  if (written.status !== 200)
    throw new Error(`schema write: ${written.status} ${JSON.stringify(written.body)}`);
  return { s, admin };
}

/**
 * Writes `schema` (token `admin`) and then `relationships`, one line each, to `tenant` (token
 * `writer`, `admin` when not given) over HTTP, and fails the test unless both answer 200.
 */
export async function seedServer(
  s: RunningServer,
  options: {
    admin: string;
    writer?: string;
    schema: string;
    tenant: string;
    relationships: readonly string[];
    operation?: "create" | "touch";
  },
): Promise<void> {
  const schema = await s.call("PUT", "/v1/schema", {
    token: options.admin,
    body: { schema: options.schema },
  });
  if (schema.status !== 200) throw new Error(`schema write: ${schema.status} ${JSON.stringify(schema.body)}`);
  const updates = options.relationships.map((relationship) => ({
    operation: options.operation ?? "create",
    relationship,
  }));
  const written = await s.call("POST", `/v1/tenants/${options.tenant}/relationships`, {
    token: options.writer ?? options.admin,
    body: { updates },
  });
  if (written.status !== 200)
    throw new Error(`relationship write: ${written.status} ${JSON.stringify(written.body)}`);
}
