/**
 * How many inputs each fuzz property tries. `npm test` runs a short budget; `npm run fuzz` raises
 * it with FUZZ_RUNS (and FUZZ_SEED replays a run that found something).
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 0;

export function runs(short: number): number {
  return FUZZ_RUNS > 0 ? FUZZ_RUNS : short;
}

export function fuzzOptions(short: number): { numRuns: number; seed?: number; endOnFailure: true } {
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;
  return { numRuns: runs(short), ...(seed !== undefined ? { seed } : {}), endOnFailure: true };
}

/** Generous per-test time when the long budget runs. */
export const FUZZ_TIMEOUT = FUZZ_RUNS > 0 ? 24 * 60 * 60 * 1000 : 60_000;
