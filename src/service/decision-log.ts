import type { CheckRequest } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import type { SchemaAnswer } from "../model/schema-answer.js";
import { DecisionDrafts } from "../store/common/decision-drafts.js";
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

/** Pages per store call: large batches amortise the transaction, small ones keep SQLite's pauses short. */
const PAGES_PER_WRITE = 5;
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
 * The decision log's writer, a check observer. `observe` runs on the check path: it adds the
 * check to page drafts (`DecisionDrafts`: its names as a shape number, its ids copied as bytes,
 * checked while the request is still in the processor's cache; the schema that answered, which
 * every check of one schema version or one rollout shares, as one number) and a timer hands the drafts to
 * the store in batches. When the store is slower than the checks the buffer fills and checks are
 * dropped and counted rather than slowing anyone down. A check the store could not hold (a
 * library caller's odd object id) is counted as failed at once, the others go on.
 */
export class DecisionLog {
  readonly #store: Store;
  readonly #clock: () => number;
  readonly #settings: ReturnType<typeof decisionLogSettings>;
  readonly #drafts = new DecisionDrafts();
  /** The last time read from the clock and its ISO text: checks in one millisecond share it. */
  #lastTime = Number.NaN;
  #lastAt = "";
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

  observe(
    tenant: string,
    request: CheckRequest,
    allowed: boolean,
    revision: Revision,
    _rolledOut: boolean,
    schema: SchemaAnswer,
  ): void {
    const { sample } = this.#settings;
    if (sample < 1 && !(Math.random() < sample)) return;
    const drafts = this.#drafts;
    const n = drafts.count;
    if (n >= this.#settings.maxBuffer || this.#closed) {
      this.#dropped++;
      return;
    }
    const time = this.#clock();
    if (time !== this.#lastTime) {
      this.#lastTime = time;
      this.#lastAt = new Date(time).toISOString();
    }
    const error = drafts.add(this.#lastAt, tenant, request, allowed, revision, schema);
    if (error !== undefined) {
      this.#failed++;
      this.#lastError = error.message;
      return;
    }
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
      buffered: this.#drafts.count,
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
    if (this.#drafts.count === 0) return;
    // The pages are made now, synchronously: checks answered while they are written start new ones.
    const pages = this.#drafts.take();
    for (let start = 0; start < pages.length; start += PAGES_PER_WRITE) {
      const chunk = pages.slice(start, start + PAGES_PER_WRITE);
      try {
        this.#recorded += await this.#store.appendDecisionPages(chunk);
      } catch (error) {
        this.#failed += chunk.reduce((n, page) => n + page.count, 0);
        this.#lastError = (error as Error).message;
      }
    }
  }
}
