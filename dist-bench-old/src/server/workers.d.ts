import { type Registry } from "prom-client";
export declare const MAX_WORKERS = 64;
export declare function isWorker(): boolean;
export interface PrimaryOptions {
    readonly workers: number;
    /** Printed once, when every worker listens. */
    readonly banner?: (url: string) => string;
}
/** Runs the primary: resolves once every worker listens; exits the process when they stop. */
export declare function superviseWorkers(options: PrimaryOptions): Promise<void>;
/**
 * In a worker: lets the primary read this worker's metrics (prom-client's cluster protocol),
 * and returns how to get everyone's: asked of the primary, which asks every worker.
 */
export declare function shareMetrics(registry: Registry): () => Promise<string>;
