/**
 * The engine and the SQLite store are synchronous and every request shares one event loop, so a
 * long loop (validating a big import, a big lookup) would hold every other tenant's check until
 * it ends. Such loops give the event loop a turn whenever they have worked `SLICE_MS` without
 * one, which bounds how long they hold anyone else.
 */
export const SLICE_MS = 5;

/** Lets timers and I/O callbacks (other requests) run before continuing. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Counts work in a loop and yields once `SLICE_MS` have passed since the last turn. */
export class Slices {
  #deadline = performance.now() + SLICE_MS;
  #steps = 0;

  /** Call once per item; reads the clock every 256 items only, so it costs nothing per item. */
  async step(): Promise<void> {
    if (this.due()) await this.turn();
  }

  /**
   * `step` without its promise, for a loop of millions of items (an import's lines): true when
   * the loop should `await turn()` now. An await per item costs a microtask per item.
   */
  due(): boolean {
    return (++this.#steps & 255) === 0 && performance.now() >= this.#deadline;
  }

  /** Gives the event loop its turn and starts the next slice. */
  async turn(): Promise<void> {
    await nextTurn();
    this.#deadline = performance.now() + SLICE_MS;
  }
}

/**
 * Heavy synchronous computations (a lookup over a big tenant) run one at a time, each after a
 * turn of the event loop: a check that arrives while four lookups wait is answered after at
 * most one of them, not after all four.
 */
export class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => T): Promise<T> {
    const next = this.#tail.then(nextTurn).then(work);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
