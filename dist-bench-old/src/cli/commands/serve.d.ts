import type { Command } from "commander";
import type { DecisionLogOptions } from "../../service/decision-log.js";
import { type GlobalOptions } from "../context.js";
export interface ServeOptions {
    readonly store: string;
    readonly host: string;
    readonly port: number;
    /** Where purge export bundles are written. */
    readonly exportDir?: string;
    /** Sampling and retention of the decision log (default: every check, 30 days). */
    readonly decisionLog?: DecisionLogOptions;
    /** Printed once the server listens (the demo adds its walkthrough). */
    readonly banner?: (url: string) => string;
    /** Server processes behind the port (default 1); see src/server/workers.ts. */
    readonly workers?: number;
}
/**
 * Runs the HTTP server until SIGTERM or SIGINT, then stops taking requests, lets those in flight
 * finish, and closes the store.
 */
export declare function serve(options: ServeOptions): Promise<void>;
export declare function parsePort(text: string): number;
/** `--workers`: a whole number of processes, from 1 to MAX_WORKERS. */
export declare function parseWorkers(text: string): number;
export declare function registerServe(program: Command, globals: () => GlobalOptions): void;
