/**
 * The SpiceDB half of the benchmark, through the harness the conformance tests use
 * (`test/support/spicedb.ts`: the embedded SpiceDB, memory datastore, writes of 1,000), run in
 * this process (`inProcess`):
 *
 * - `timeSpiceDB`: the benchmark's own workload loaded into SpiceDB, and a sample of the same
 *   check queries timed one by one there, every answer compared with Gatehouse's.
 * - `agreeWithSpiceDB`: many more queries, checked in bulk, on a workload small enough for that
 *   to finish. SpiceDB's memory datastore slows down as the data grows (on the development
 *   container a check of one direct relationship takes about 2 ms at 10,000 relationships and
 *   80 ms at one million; a workload check about 1 s at one million), so thousands of checks are
 *   only affordable at a reduced scale.
 */
import type { CheckRequest } from "../src/engine/engine.js";
import { type Workload } from "./workload.js";
export interface Disagreement {
    readonly query: string;
    readonly gatehouse: boolean;
    readonly spicedb: boolean | "error";
    readonly error?: string | undefined;
}
export interface SpiceDBTiming {
    readonly relationships: number;
    readonly loadSeconds: number;
    readonly warmupSeconds: number;
    /** Microseconds per check, in sample order. */
    readonly sampleMicros: Float64Array;
    readonly disagreements: Disagreement[];
}
export interface SpiceDBAgreement {
    readonly scale: number;
    readonly relationships: number;
    readonly checked: number;
    readonly allowed: number;
    readonly seconds: number;
    readonly disagreements: Disagreement[];
}
export declare function timeSpiceDB(options: {
    readonly workload: Workload;
    /** Answered once each before the sample. */
    readonly warmup: readonly CheckRequest[];
    /** Timed one by one. */
    readonly sample: readonly CheckRequest[];
    /** Gatehouse's answer to a check. */
    readonly ours: (q: CheckRequest) => boolean;
    readonly log: (line: string) => void;
}): Promise<SpiceDBTiming>;
export declare function agreeWithSpiceDB(options: {
    readonly workload: Workload;
    readonly queries: readonly CheckRequest[];
    readonly ours: (q: CheckRequest) => boolean;
    readonly log: (line: string) => void;
}): Promise<SpiceDBAgreement>;
