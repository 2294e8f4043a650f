import type { Store } from "./store.js";

/** Told of every store operation that returned a promise: its method's name, seconds, and whether it failed. */
export type StoreTimer = (operation: string, seconds: number, failed: boolean) => void;

/**
 * A store whose operations can be timed from outside (the server's latency histogram), without
 * each table module knowing. With no timer listening, a call goes straight through; operations
 * that do not return a promise (a scan's iterable, `watch`) are passed on untimed.
 */
export class TimedStore {
  readonly store: Store;
  #timers: readonly StoreTimer[] = [];

  constructor(inner: Store) {
    // By the function, not its name: a method replaced on the store (a test's failing store) is
    // wrapped anew.
    const wrapped = new WeakMap<object, unknown>();
    this.store = new Proxy(inner, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        let call = wrapped.get(value);
        if (call === undefined) {
          const operation = String(property);
          // Called on the store itself, never on the proxy: its private fields are its own.
          call = (...args: unknown[]) => {
            if (this.#timers.length === 0) return value.apply(target, args);
            const started = performance.now();
            const result = value.apply(target, args);
            if (!(result instanceof Promise)) return result;
            return result.then(
              (answer) => {
                this.#tell(operation, started, false);
                return answer;
              },
              (error) => {
                this.#tell(operation, started, true);
                throw error;
              },
            );
          };
          wrapped.set(value, call);
        }
        return call;
      },
    });
  }

  /** Adds a timer; returns the function that removes it. */
  listen(timer: StoreTimer): () => void {
    this.#timers = [...this.#timers, timer];
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  #tell(operation: string, started: number, failed: boolean): void {
    const seconds = (performance.now() - started) / 1000;
    for (const timer of this.#timers) {
      try {
        timer(operation, seconds, failed);
      } catch {
        // A timer (metrics) must never fail the operation it measured.
      }
    }
  }
}
