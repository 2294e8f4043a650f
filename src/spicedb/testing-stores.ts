import { tokenAuthority } from "../server/auth.js";
import { Gatehouse } from "../service/gatehouse.js";
import type { CallStore, StoreOfSecret } from "./call-auth.js";

/**
 * How many stores `serve --testing` keeps at once. A test suite usually takes a fresh token per
 * test, so a long suite makes many; past the bound the least recently used store is closed
 * (its token then starts again from an empty store), which keeps a server that runs for a whole
 * day of suites within a few hundred megabytes.
 */
export const MAX_TESTING_STORES = 1_000;

/** The principal every testing store's token has: it appears as the author of its writes. */
export const TESTING_TOKEN_NAME = "testing";

/** No guard is in force in a fresh testing store: a test that wants some writes them. */
const NO_GUARDS = "guards: []\n";
/** The name the testing server approves schema writes under (see `GatehouseOptions.schemaSecondPerson`). */
export const TESTING_SECOND_PERSON = "testing-server";

/** One token's store, and what else was built on it (its HTTP API) to close with it. */
export interface TestingStore extends CallStore {
  readonly closers: Array<() => Promise<void>>;
}

interface Entry {
  readonly opening: Promise<TestingStore>;
  /** Set once open: the usual call then finds its store without waiting for a promise. */
  store?: TestingStore;
}

/**
 * `gatehouse serve --testing`, as `spicedb serve-testing`: every distinct bearer secret is a
 * store of its own, created empty (no schema, no data, no guards) on its first call, in memory
 * (SQLite `:memory:`, nothing on disk), with one admin token whose secret is the one presented.
 * So any secret works, and two test suites that use different secrets never see each other's
 * schema or relationships.
 */
export class TestingStores {
  // A Map iterates in insertion order: moving a store to the end on each use keeps the least
  // recently used one first, which is the one closed when the bound is reached.
  readonly #stores = new Map<string, Entry>();
  readonly #max: number;
  readonly #onError: (error: unknown) => void;
  #closed = false;

  constructor(options: { max?: number; onError?: (error: unknown) => void } = {}) {
    this.#max = options.max ?? MAX_TESTING_STORES;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** How many stores are open or opening. */
  get size(): number {
    return this.#stores.size;
  }

  /** The store of a secret, created on first use; for the gRPC door's `CallAuth`. */
  readonly storeOf: StoreOfSecret = (secret) => {
    const entry = this.#entry(secret);
    return entry.store ?? entry.opening;
  };

  /** The store of a secret, created on first use. */
  open(secret: string): Promise<TestingStore> {
    const entry = this.#entry(secret);
    return entry.store ? Promise.resolve(entry.store) : entry.opening;
  }

  /** Closes every store (the server stops). */
  async close(): Promise<void> {
    this.#closed = true;
    const entries = [...this.#stores.values()];
    this.#stores.clear();
    await Promise.all(entries.map((entry) => closeStore(entry).catch(this.#onError)));
  }

  #entry(secret: string): Entry {
    if (this.#closed) throw new Error("the testing stores are closed");
    const hit = this.#stores.get(secret);
    if (hit) {
      this.#stores.delete(secret);
      this.#stores.set(secret, hit);
      return hit;
    }
    while (this.#stores.size >= this.#max) {
      const [oldest, entry] = this.#stores.entries().next().value as [string, Entry];
      this.#stores.delete(oldest);
      closeStore(entry).catch(this.#onError);
    }
    const entry: Entry = { opening: openTestingStore(secret) };
    entry.opening.then(
      (store) => {
        entry.store = store;
      },
      // A store that failed to open is forgotten, so that the next call tries again.
      () => {
        if (this.#stores.get(secret) === entry) this.#stores.delete(secret);
      },
    );
    this.#stores.set(secret, entry);
    return entry;
  }
}

async function openTestingStore(secret: string): Promise<TestingStore> {
  // No decision log and no rollout polling: a store per test must cost nothing while idle.
  // A schema write held back only for a second person is approved by the testing server, as
  // SpiceDB's test server applies it; one held back by a guard the test wrote stays refused.
  const gatehouse = await Gatehouse.open(":memory:", {
    decisionLog: { sample: "off" },
    rolloutPollMs: 0,
    schemaSecondPerson: TESTING_SECOND_PERSON,
  });
  try {
    await gatehouse.changes.writeGuards(NO_GUARDS, { actor: TESTING_TOKEN_NAME });
    await gatehouse.tokens.adopt({
      name: TESTING_TOKEN_NAME,
      role: "admin",
      secret,
      actor: TESTING_TOKEN_NAME,
      reason: "serve --testing: the store of the token first presented",
    });
  } catch (error) {
    await gatehouse.close();
    throw error;
  }
  return { gatehouse, authority: tokenAuthority(gatehouse.tokens), closers: [] };
}

async function closeStore(entry: Entry): Promise<void> {
  const store = await entry.opening.catch(() => undefined);
  if (!store) return;
  // A copy: a closer takes itself out of the list.
  for (const close of [...store.closers]) await close();
  await store.gatehouse.close();
}
