export interface ProbeMemory {
    readonly rss: number;
    readonly heapUsed: number;
    readonly external: number;
}
export interface ProbeResult {
    readonly openMs: number;
    /** The first check: loads the tenant from SQLite, then answers. */
    readonly firstCheckMs: number;
    readonly allowed: boolean;
    readonly relationships: number;
    readonly before: ProbeMemory;
    readonly after: ProbeMemory;
    /** A bare `scanTenant` over the same rows, when asked for with `--scan`. */
    readonly scanMs?: number;
}
