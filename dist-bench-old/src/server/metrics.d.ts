import type { FastifyInstance } from "fastify";
import { Counter, Histogram, Registry } from "prom-client";
/** Prometheus metrics: request rates and latencies by route, checks by result. */
export declare class Metrics {
    readonly registry: Registry<"text/plain; version=0.0.4; charset=utf-8">;
    readonly requests: Counter<"method" | "route" | "status">;
    readonly latency: Histogram<"method" | "route">;
    readonly checks: Counter<"result">;
    constructor();
    /** Label children by route, method and status: prom-client hashes label objects on every call. */
    private readonly children;
    install(app: FastifyInstance): void;
    countChecks(results: readonly boolean[]): void;
}
