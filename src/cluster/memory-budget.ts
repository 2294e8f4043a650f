import { GatehouseError } from "../model/errors.js";

/**
 * What an index of one relationship costs in memory, for the budget's estimate: the steady
 * state measured at 1M relationships was about 221 bytes (issue 18), rounded up for the
 * interned strings of small tenants.
 */
export const BYTES_PER_RELATIONSHIP = 250;

/** The engine as the budget sees it: its loaded indexes, their sizes, and how to drop one. */
export interface LoadedIndexes {
  loadedTenants(): string[];
  loadedIndex(tenant: string): { readonly data: { readonly size: number } } | undefined;
  dropTenant(tenant: string): void;
}

/**
 * `--memory-budget`: when the loaded indexes' estimated memory (relationships held times
 * `BYTES_PER_RELATIONSHIP`) passes the budget, the least recently used tenants are dropped
 * until it fits again; a later request loads a dropped tenant from the store as the first one
 * did. The estimate, not the process heap, decides: it is the same on every run and machine,
 * and the heap lags behind drops until the garbage collector runs.
 */
export class MemoryBudget {
  readonly bytes: number;
  readonly #indexes: LoadedIndexes;
  readonly #bytesPerRelationship: number;
  /** Tenants in the order last used, oldest first (a Map keeps insertion order). */
  readonly #used = new Map<string, true>();
  /** Tenants dropped so far, for the log and the bench. */
  evictions = 0;

  constructor(indexes: LoadedIndexes, bytes: number, bytesPerRelationship = BYTES_PER_RELATIONSHIP) {
    this.#indexes = indexes;
    this.bytes = bytes;
    this.#bytesPerRelationship = bytesPerRelationship;
  }

  /** Marks a tenant as just used. */
  used(tenant: string): void {
    this.#used.delete(tenant);
    this.#used.set(tenant, true);
  }

  /** The loaded indexes' estimated memory in bytes. */
  estimate(): number {
    let relationships = 0;
    for (const tenant of this.#indexes.loadedTenants())
      relationships += this.#indexes.loadedIndex(tenant)?.data.size ?? 0;
    return relationships * this.#bytesPerRelationship;
  }

  /** Whether an index of this many relationships would still fit beside those loaded. */
  fits(relationships: number): boolean {
    return this.estimate() + relationships * this.#bytesPerRelationship <= this.bytes;
  }

  /**
   * Drops least recently used tenants until the estimate fits, never `keep` (the tenant being
   * answered: one tenant bigger than the budget is still answered). Returns those dropped.
   */
  enforce(keep?: string): string[] {
    const dropped: string[] = [];
    let estimate = this.estimate();
    if (estimate <= this.bytes) return dropped;
    const loaded = new Set(this.#indexes.loadedTenants());
    // Loaded but never used through a request (warmed, or loaded by a write): oldest of all.
    const order = [...[...loaded].filter((tenant) => !this.#used.has(tenant)), ...this.#used.keys()];
    for (const tenant of order) {
      if (estimate <= this.bytes) break;
      if (tenant === keep || !loaded.has(tenant)) continue;
      estimate -= (this.#indexes.loadedIndex(tenant)?.data.size ?? 0) * this.#bytesPerRelationship;
      this.#indexes.dropTenant(tenant);
      this.#used.delete(tenant);
      dropped.push(tenant);
    }
    this.evictions += dropped.length;
    return dropped;
  }
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** `--memory-budget`: bytes, or a number with KB, MB, GB (powers of 1000) or KiB, MiB, GiB. */
export function parseMemoryBudget(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) <= 0)
    throw new GatehouseError(
      "usage",
      `--memory-budget expects a size such as 512MB or 2GiB, got \`${text}\``,
    );
  return Math.round(Number(match[1]) * unit);
}
