import type { GrpcOptions } from "../../spicedb/grpc-options.js";

export interface ServeTestingOptions {
  readonly host: string;
  readonly port: number;
  /** SpiceDB's gRPC API (on by default, as `spicedb serve-testing`); absent: off. */
  readonly grpc?: GrpcOptions | undefined;
}

/**
 * `gatehouse serve --testing`, for client test suites as `spicedb serve-testing`: the HTTP API
 * and SpiceDB's gRPC API with no token set-up, where every distinct bearer token is its own
 * empty in-memory store (see src/spicedb/testing-stores.ts). Runs until SIGTERM or SIGINT.
 */
export async function serveTesting(options: ServeTestingOptions): Promise<void> {
  // Loaded here: every CLI command loads serve.ts, only `serve --testing` needs these.
  const { TestingStores, MAX_TESTING_STORES } = await import("../../spicedb/testing-stores.js");
  const { startTestingHttp } = await import("../../spicedb/testing-http.js");
  const { startGrpcDoor } = await import("../../spicedb/serve-grpc.js");
  const logLevel = process.env.GATEHOUSE_LOG_LEVEL ?? "info";
  const log = {
    warn: (details: object, message: string) => logLine("warn", details, message),
    error: (details: object, message: string) => logLine("error", details, message),
  };
  const stores = new TestingStores({
    onError: (error) => log.error({ err: error }, "closing a testing store failed"),
  });
  const http = await startTestingHttp(stores, { host: options.host, port: options.port, logLevel });
  const grpc = options.grpc
    ? await startGrpcDoor(stores.storeOf, options.host, options.grpc, { log })
    : undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await grpc?.close();
    await http.close();
    await stores.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  process.stderr.write(
    [
      `gatehouse TESTING server (serve --testing): not for production data.`,
      `Any bearer token works; each distinct token is its own empty in-memory store (schema, relationships, no guards until a test writes some), created on its first call; nothing is written to disk; at most ${MAX_TESTING_STORES.toLocaleString("en")} stores are kept (the least recently used is dropped).`,
      `HTTP API and SpiceDB HTTP gateway on ${http.url}`,
      ...(grpc ? [grpc.banner] : []),
    ].join("\n") + "\n",
  );
}

/** One JSON line on stderr, the shape of the server's own (pino) log lines. */
function logLine(level: "warn" | "error", details: object, message: string): void {
  const { err, ...rest } = details as { err?: unknown };
  const error = err instanceof Error ? { err: { message: err.message, stack: err.stack } } : {};
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg: message, ...rest, ...error })}\n`);
}
