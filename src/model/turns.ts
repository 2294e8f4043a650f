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
    if ((++this.#steps & 255) !== 0) return;
    if (performance.now() < this.#deadline) return;
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
