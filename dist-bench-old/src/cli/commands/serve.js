import { GatehouseError } from "../../model/errors.js";
import { buildServer } from "../../server/server.js";
import { isWorker, MAX_WORKERS, superviseWorkers } from "../../server/workers.js";
import { Gatehouse } from "../../service/gatehouse.js";
import { contextOf } from "../context.js";
import { decisionLogOptions } from "../decision-log-options.js";
import { env } from "../env.js";
/**
 * Runs the HTTP server until SIGTERM or SIGINT, then stops taking requests, lets those in flight
 * finish, and closes the store.
 */
export async function serve(options) {
    const workers = options.workers ?? 1;
    if (workers > 1 && !isWorker()) {
        // Open the store once here, so that its migrations run before N workers open it together
        // and a store that cannot be opened fails once, with its message.
        await (await Gatehouse.open(options.store)).close();
        return superviseWorkers({ workers, ...(options.banner ? { banner: options.banner } : {}) });
    }
    const gatehouse = await Gatehouse.open(options.store, { decisionLog: options.decisionLog ?? {} });
    const server = await buildServer(gatehouse, {
        logger: { level: process.env.GATEHOUSE_LOG_LEVEL ?? "info" },
        ...(options.exportDir ? { exportDir: options.exportDir } : {}),
    });
    let stopping = false;
    const stop = async (signal) => {
        if (stopping)
            return;
        stopping = true;
        server.app.log.info({ signal }, "shutting down: finishing requests in flight");
        server.stopFollowing();
        await server.app.close();
        await gatehouse.close();
        process.exit(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
    const url = await server.app.listen({ host: options.host, port: options.port });
    // Workers leave the banner to the primary, which prints it once all of them listen.
    if (options.banner && !isWorker())
        process.stderr.write(`${options.banner(url)}\n`);
}
export function parsePort(text) {
    const port = Number(text);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new GatehouseError("usage", `--port expects a port number, got \`${text}\``);
    return port;
}
/** `--workers`: a whole number of processes, from 1 to MAX_WORKERS. */
export function parseWorkers(text) {
    const workers = Number(text);
    if (!/^\d+$/.test(text.trim()) || workers < 1 || workers > MAX_WORKERS)
        throw new GatehouseError("usage", `--workers expects a whole number of processes from 1 to ${MAX_WORKERS}, got \`${text}\``);
    return workers;
}
export function registerServe(program, globals) {
    program
        .command("serve")
        .option("--port <port>", "port to listen on", "8080")
        .option("--host <host>", "address to listen on", "127.0.0.1")
        .option("--workers <n>", "server processes sharing the port, one per core is typical (env GATEHOUSE_WORKERS; default 1); each is a node: pass atLeastRevision to read your writes")
        .option("--export-dir <dir>", "where purge export bundles are written", "./gatehouse-exports")
        .option("--decision-sample <fraction>", "fraction of checks the decision log records, 0 to 1, or `off` (env GATEHOUSE_DECISION_SAMPLE; default 1)")
        .option("--decision-retention <days>", "days the decision log keeps a check, e.g. 30d (env GATEHOUSE_DECISION_RETENTION; default 30)")
        .description("run the HTTP API (tokens required; create one with `gatehouse token create`)")
        .action(async (options) => {
        const context = contextOf(globals());
        await serve({
            store: context.storeLocation,
            host: options.host,
            port: parsePort(options.port),
            workers: parseWorkers(options.workers ?? env("GATEHOUSE_WORKERS") ?? "1"),
            exportDir: options.exportDir,
            decisionLog: decisionLogOptions({
                sample: options.decisionSample,
                retention: options.decisionRetention,
            }),
            banner: (url) => `gatehouse listening on ${url} (store ${context.storeLocation}); API description at ${url}/docs`,
        });
    });
}
//# sourceMappingURL=serve.js.map