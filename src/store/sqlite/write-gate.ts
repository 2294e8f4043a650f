/**
 * better-sqlite3 is synchronous: one big write transaction (a 500,000-line import) would hold
 * the event loop, and with it every other tenant's check, for seconds. A big write is therefore
 * done in slices inside one transaction, giving the event loop a turn between slices; while it
 * is open, nothing else may use the connection (its statements would join the open
 * transaction), so every store call waits at this gate until the write has committed or rolled
 * back. Checks are answered from memory and do not wait; other store work does, for as long as
 * the write takes, as it would have waited for the synchronous write before.
 */
export class WriteGate {
  #held: Promise<void> | undefined;

  /** The write in progress, if any: resolves when it has ended. */
  get busy(): Promise<void> | undefined {
    return this.#held;
  }

  /** Runs `body` alone: later store calls wait until it has ended. */
  async hold<T>(body: () => Promise<T>): Promise<T> {
    while (this.#held) await this.#held;
    let release!: () => void;
    this.#held = new Promise((resolve) => {
      release = resolve;
    });
    try {
      return await body();
    } finally {
      this.#held = undefined;
      release();
    }
  }
}

/**
 * Methods that pass the gate: `watch` is not a store call, and `findToken` reads only the
 * tokens table, which no relationship write touches, so it may run inside the open write (every
 * request's token, once its cache expires, would otherwise wait for the whole import).
 */
const UNGATED = new Set<PropertyKey>(["watch", "constructor", "findToken"]);

/**
 * The store as the rest of Gatehouse sees it: every method waits at the gate while a sliced
 * write holds it, so that no statement runs inside another caller's open transaction.
 * `scanTenant` waits before each batch.
 */
export function gated<T extends object>(store: T, gate: WriteGate): T {
  // By the function, not its name: a method replaced on the store (a test's stub) is wrapped anew.
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      let wrapper = wrapped.get(value);
      if (wrapper === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        if (UNGATED.has(property)) {
          wrapper = method.bind(target);
        } else if (property === "scanTenant") {
          wrapper = (...args: unknown[]) =>
            gatedScan(gate, () => method.apply(target, args) as AsyncIterable<unknown>);
        } else {
          const call = (...args: unknown[]): unknown => {
            const busy = gate.busy;
            return busy === undefined ? method.apply(target, args) : busy.then(() => call(...args));
          };
          wrapper = call;
        }
        wrapped.set(value, wrapper);
      }
      return wrapper;
    },
  });
}

async function* gatedScan<T>(gate: WriteGate, open: () => AsyncIterable<T>): AsyncIterable<T> {
  while (gate.busy) await gate.busy;
  const iterator = open()[Symbol.asyncIterator]();
  try {
    for (;;) {
      while (gate.busy) await gate.busy;
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
