import { v1 } from "@authzed/authzed-node";
import { type SpicedbServer, startSpicedbServer } from "../../src/spicedb/server.js";
import { type RunningServer, startServer } from "../support/server.js";

export interface SpicedbDoorUnderTest {
  readonly http: RunningServer;
  readonly grpc: SpicedbServer;
  readonly endpoint: string;
  /** The unmodified @authzed/authzed-node client, plaintext, with a bearer token. */
  client(token: string): ReturnType<typeof v1.NewClient>;
  close(): Promise<void>;
}

/**
 * A Gatehouse server as `gatehouse serve` runs it (the HTTP API and the SpiceDB gRPC door over
 * one Gatehouse) on free loopback ports.
 */
export async function startDoor(store = ":memory:"): Promise<SpicedbDoorUnderTest> {
  const http = await startServer(store);
  const grpc = await startSpicedbServer(http.gatehouse, { host: "127.0.0.1", port: 0 });
  const endpoint = `127.0.0.1:${grpc.port}`;
  const clients: Array<ReturnType<typeof v1.NewClient>> = [];
  return {
    http,
    grpc,
    endpoint,
    client(token) {
      const client = v1.NewClient(token, endpoint, v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await grpc.close();
      await http.close();
    },
  };
}

/** The gRPC status code of a failed call (`undefined` when it did not fail). */
export async function codeOf(call: Promise<unknown>): Promise<{ code: number; details: string } | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    const e = error as { code: number; details: string };
    return { code: e.code, details: e.details };
  }
}
