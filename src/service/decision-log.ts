import type { CheckRequest } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { batchRecord } from "../store/common/decision-pages.js";
import { checkDecision } from "../store/common/decision-rows.js";
import type { DecisionBatch } from "../store/decision-records.js";
import type { Revision, Store } from "../store/store.js";

/** How the decision log records checks; every field has a default (`DECISION_LOG_DEFAULTS`). */
export interface DecisionLogOptions {
  /** The fraction of checks recorded, 0 to 1 (1: every check), or `"off"`. */
  readonly sample?: number | "off";
  /** Records older than this many days are purged. */
  readonly retention?: number;
  /** How long a recorded check waits in memory before it is written, at most. */
  readonly flushIntervalMs?: number;
  /** Checks held in memory at most; beyond that new ones are dropped (and counted), never waited for. */
  readonly maxBuffer?: number;
  /** How often old records are purged, while the process runs. */
  readonly purgeIntervalMs?: number;
}

/**
 * Every check recorded, kept a month (long enough to answer "who used this access during the
 * incident?" for an incident noticed weeks later); a second's delay; 100,000 checks of slack.
 */
export const DECISION_LOG_DEFAULTS = {
  sample: 1,
  retention: 30,
  flushIntervalMs: 1_000,
  maxBuffer: 100_000,
  purgeIntervalMs: 60 * 60 * 1_000,
} as const;

/** Rows per store call: large batches amortise the transaction, small ones keep SQLite's pauses short. */
const WRITE_CHUNK = 5_000;
const DAY_MS = 24 * 60 * 60 * 1_000;

export interface DecisionLogStats {
  /** Checks written to the store. */
  readonly recorded: number;
  /** Checks not recorded because the buffer was full. */
  readonly dropped: number;
  /** Checks lost because the store refused or failed the write. */
  readonly failed: number;
  /** Checks waiting in memory. */
  readonly buffered: number;
  readonly lastError: string | null;
}

/** Checks the options, naming the bad one, and fills in defaults; `off` becomes a sample of 0. */
export function decisionLogSettings(
  options: DecisionLogOptions = {},
): Required<DecisionLogOptions> & { sample: number } {
  const bad = (field: string, expected: string, value: unknown) =>
    new GatehouseError("input", `invalid decision log ${field} \`${String(value)}\`: expected ${expected}`, {
      field: `decisionLog.${field}`,
    });
  const sample = options.sample ?? DECISION_LOG_DEFAULTS.sample;
  if (sample !== "off" && (typeof sample !== "number" || !(sample >= 0 && sample <= 1)))
    throw bad("sample", "a fraction from 0 to 1, or `off`", sample);
  const retention = options.retention ?? DECISION_LOG_DEFAULTS.retention;
  if (typeof retention !== "number" || !(retention > 0) || !Number.isFinite(retention))
    throw bad("retention", "a number of days above 0", retention);
  const whole = (field: "flushIntervalMs" | "maxBuffer" | "purgeIntervalMs") => {
    const value = options[field] ?? DECISION_LOG_DEFAULTS[field];
    if (!Number.isSafeInteger(value) || value < 1) throw bad(field, "a whole number, 1 or more", value);
    return value;
  };
  return {
    sample: sample === "off" ? 0 : sample,
    retention,
    flushIntervalMs: whole("flushIntervalMs"),
    maxBuffer: whole("maxBuffer"),
    purgeIntervalMs: whole("purgeIntervalMs"),
  };
}

/**
 * Checks waiting to be written, as columns (`DecisionBatch`): an entry per check in each, no
 * object per check. Two of them take turns, one filling while the other is written, and both
 * keep their arrays, so a steady stream of checks allocates nothing once they have grown.
 */
class Buffered {
  count = 0;
  tenants: string[] = [];
  requests: CheckRequest[] = [];
  answers = new Uint8Array(1024);
  revisions = new Float64Array(1024);
  times = new Float64Array(1024);

  add(tenant: string, request: CheckRequest, allowed: boolean, revision: Revision, time: number): void {
    const n = this.count;
    if (n === this.answers.length) this.#grow();
    this.tenants[n] = tenant;
    this.requests[n] = request;
    this.answers[n] = allowed ? 1 : 0;
    this.revisions[n] = revision;
    this.times[n] = time;
    this.count = n + 1;
  }

  #grow(): void {
    const size = this.answers.length * 2;
    const answers = new Uint8Array(size);
    answers.set(this.answers);
    const revisions = new Float64Array(size);
    revisions.set(this.revisions);
    const times = new Float64Array(size);
    times.set(this.times);
    this.answers = answers;
    this.revisions = revisions;
    this.times = times;
  }

  /** Checks `from` to `to` as a batch, their times formatted (once per millisecond). */
  batch(from: number, to: number): DecisionBatch {
    const at: string[] = new Array(to - from);
    let lastTime = Number.NaN;
    let lastAt = "";
    for (let i = from; i < to; i++) {
      const time = this.times[i]!;
      if (time !== lastTime) {
        lastTime = time;
        lastAt = new Date(time).toISOString();
      }
      at[i - from] = lastAt;
    }
    return {
      count: to - from,
      at,
      tenant: this.tenants.slice(from, to),
      query: this.requests.slice(from, to),
      allowed: this.answers.subarray(from, to),
      revision: this.revisions.subarray(from, to),
    };
  }

  /** Empties the buffer, letting go of the requests it held. */
  clear(): void {
    this.tenants.fill(undefined as never, 0, this.count);
    this.requests.fill(undefined as never, 0, this.count);
    this.count = 0;
  }
}

/**
 * The decision log's writer, a check observer. `observe` runs on the check path, so it only
 * stores a check's references and numbers in the filling buffer (see `Buffered`); a timer writes
 * the buffer to the store in batches. When the store is slower than the checks the buffer fills
 * and checks are dropped and counted rather than slowing anyone down. Request objects are kept
 * by reference until written: they are `readonly` and no caller of `Gatehouse.check` changes one
 * after asking.
 */
export class DecisionLog {
  readonly #store: Store;
  readonly #clock: () => number;
  readonly #settings: ReturnType<typeof decisionLogSettings>;
  /** The buffer checks go to; the other one is being written or idle. */
  #filling = new Buffered();
  #spare = new Buffered();
  #recorded = 0;
  #dropped = 0;
  #failed = 0;
  #lastError: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #purgeTimer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(store: Store, options: DecisionLogOptions = {}, clock: () => number = Date.now) {
    this.#store = store;
    this.#clock = clock;
    this.#settings = decisionLogSettings(options);
    this.#purgeTimer = setInterval(() => void this.purge().catch(() => {}), this.#settings.purgeIntervalMs);
    this.#purgeTimer.unref();
  }

  get settings(): Readonly<ReturnType<typeof decisionLogSettings>> {
    return this.#settings;
  }

  observe(tenant: string, request: CheckRequest, allowed: boolean, revision: Revision): void {
    const { sample } = this.#settings;
    if (sample < 1 && !(Math.random() < sample)) return;
    const buffer = this.#filling;
    const n = buffer.count;
    if (n >= this.#settings.maxBuffer || this.#closed) {
      this.#dropped++;
      return;
    }
    buffer.add(tenant, request, allowed, revision, this.#clock());
    if (n === 0) this.#schedule(this.#settings.flushIntervalMs);
    // Half full: write now rather than wait out the interval and drop what comes meanwhile.
    else if (n + 1 === this.#settings.maxBuffer >>> 1) this.#schedule(0);
  }

  /** Writes everything buffered so far; resolves once it is in the store (or counted as failed). */
  flush(): Promise<void> {
    const next = this.#writing.then(() => this.#writeBuffered());
    this.#writing = next;
    return next;
  }

  /** Deletes records older than the retention window; returns how many. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.#clock() - this.#settings.retention * DAY_MS).toISOString();
    return this.#store.purgeDecisions(cutoff);
  }

  stats(): DecisionLogStats {
    return {
      recorded: this.#recorded,
      dropped: this.#dropped,
      failed: this.#failed,
      buffered: this.#filling.count,
      lastError: this.#lastError,
    };
  }

  /** Stops the timers and writes what is left; later checks are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#purgeTimer);
    this.#timer = undefined;
    await this.flush();
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delayMs);
    this.#timer.unref();
  }

  async #writeBuffered(): Promise<void> {
    const buffer = this.#filling;
    const count = buffer.count;
    if (count === 0) return;
    // Checks answered while this one is written go to the other buffer (free: writes run one
    // after another, so the previous write has finished with it).
    this.#filling = this.#spare;
    this.#spare = buffer;
    try {
      for (let start = 0; start < count; start += WRITE_CHUNK)
        await this.#append(buffer.batch(start, Math.min(count, start + WRITE_CHUNK)));
    } finally {
      buffer.clear();
    }
  }

  async #append(batch: DecisionBatch): Promise<void> {
    try {
      this.#recorded += await this.#store.appendDecisionBatch(batch);
    } catch (error) {
      if (!(error instanceof GatehouseError) || error.kind !== "input") {
        this.#failed += batch.count;
        this.#lastError = (error as Error).message;
        return;
      }
      const records = Array.from({ length: batch.count }, (_, i) => batchRecord(batch, i));
      // A check the engine answered but the store cannot hold (a library caller's odd object id):
      // leave that one out rather than lose its whole batch.
      const writable = records.filter((record, i) => {
        try {
          checkDecision(record, i);
          return true;
        } catch {
          return false;
        }
      });
      this.#failed += records.length - writable.length;
      this.#lastError = error.message;
      try {
        this.#recorded += writable.length > 0 ? await this.#store.appendDecisions(writable) : 0;
      } catch (again) {
        this.#failed += writable.length;
        this.#lastError = (again as Error).message;
      }
    }
  }
}
