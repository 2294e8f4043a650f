import { type FastifyInstance } from "fastify";
import type { Gatehouse } from "../service/gatehouse.js";
import { Metrics } from "./metrics.js";
export interface ServerOptions {
    /** pino options, or false for no logs (tests). */
    readonly logger?: boolean | {
        level?: string;
        stream?: NodeJS.WritableStream;
    };
    /** Request bodies above this are refused with 413. */
    readonly bodyLimit?: number;
    /** Where purge export bundles are written (default ./gatehouse-exports). */
    readonly exportDir?: string;
}
export interface GatehouseServer {
    readonly app: FastifyInstance;
    readonly metrics: Metrics;
    /** Stops following the store; the caller closes the app. */
    stopFollowing(): void;
}
/**
 * The HTTP API: JSON routes over the same operations as the CLI, token authentication with
 * roles, an OpenAPI document at `/openapi.json` (browsable at `/docs`), Prometheus metrics at
 * `/metrics`, and health at `/healthz` and `/readyz`.
 */
export declare function buildServer(gatehouse: Gatehouse, options?: ServerOptions): Promise<GatehouseServer>;
