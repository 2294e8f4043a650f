/**
 * One holder at a time, in the order asked. SQLite has one connection: a transaction awaits
 * between its statements, and without this another caller's statement would run inside it
 * (Kysely's better-sqlite3 driver serialises its one connection the same way).
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #held = false;

  get held(): boolean {
    return this.#held;
  }

  /** Waits for every earlier holder, runs `body`, and lets the next one in when it ends. */
  async hold<T>(body: () => Promise<T>): Promise<T> {
    const before = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => {
      release = resolve;
    });
    await before;
    this.#held = true;
    try {
      return await body();
    } finally {
      this.#held = false;
      release();
    }
  }
}
