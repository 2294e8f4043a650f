import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { CheckRequest } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import type { SchemaAnswer } from "../model/schema-answer.js";
import { DecisionDrafts } from "../store/common/decision-drafts.js";
import type { DecisionLoss, DecisionLossReason, DecisionTally } from "../store/decision-records.js";
import type { Revision, Store } from "../store/store.js";

/** How the decision log records checks; every field has a default (`DECISION_LOG_DEFAULTS`). */
export interface DecisionLogOptions {
  /** The fraction of checks recorded, 0 to 1 (1: every check), or `"off"`. */
  readonly sample?: number | "off";
  /** Records older than this many days are purged. */
  readonly retention?: number;
  /** How long a recorded check waits in memory before it is written, at most. */
  readonly flushIntervalMs?: number;
  /**
   * Checks held in memory at most. When it is full, the next check (or the rest of a batch)
   * waits for the buffer to be written: back-pressure, so that nothing is dropped.
   */
  readonly maxBuffer?: number;
  /** How often old records are purged, while the process runs. */
  readonly purgeIntervalMs?: number;
  /**
   * A process whose tally has not been saved for this long (wall-clock time) is taken to be
   * gone, and what it answered without a record is counted as lost.
   */
  readonly staleAfterMs?: number;
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
  staleAfterMs: 30_000,
} as const;

/** How often the process's tally (checks answered so far) is saved, for counting after a kill -9. */
const TALLY_MS = 250;
/** How often a running log looks for the tallies of gone processes. */
const REAP_MS = 10_000;
/** At most one warning a reason in this long; the counts in between are summed into the next. */
const WARN_EVERY_MS = 10_000;

/** Pages per store call: large batches amortise the transaction, small ones keep SQLite's pauses short. */
const PAGES_PER_WRITE = 5;
const DAY_MS = 24 * 60 * 60 * 1_000;

export interface DecisionLogStats {
  /** Checks answered that the log was to record (after sampling). */
  readonly answered: number;
  /** Checks written to the store. */
  readonly recorded: number;
  /** Checks not recorded because the buffer was full, or answered after the log closed. */
  readonly dropped: number;
  /** Checks lost because the store refused or failed the write. */
  readonly failed: number;
  /** Every loss this process knows of, by reason (`process_ended`: gone processes it counted). */
  readonly lost: Readonly<Record<DecisionLossReason, number>>;
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
  const whole = (field: "flushIntervalMs" | "maxBuffer" | "purgeIntervalMs" | "staleAfterMs") => {
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
    staleAfterMs: whole("staleAfterMs"),
  };
}

/**
 * The decision log's writer, a check observer. `observe` runs on the check path: it adds the
 * check to page drafts (`DecisionDrafts`: its names as a shape number, its ids copied as bytes,
 * checked while the request is still in the processor's cache; the schema that answered, which
 * every check of one schema version or one rollout shares, as one number) and a timer hands the drafts to
 * the store in batches. When the buffer is full, the check path waits for it to be written
 * (`full`, see `Gatehouse.check` and `checkBatch`): back-pressure rather than drops.
 *
 * Nothing is lost silently. A check that still goes unrecorded (the store failed the write, a
 * check the store could not hold, one answered after close) is counted by reason (`stats`,
 * the server's `/metrics`), warned about on stderr (at most once in ten seconds a reason), and
 * written to the store as a loss with the window it was answered in, which `decisions list`
 * and incident reports show. For a process killed before it wrote its buffer, the log saves a
 * tally every 250 ms (checks answered, recorded and counted lost so far, with the pages it
 * writes in the same transaction); a later process finds the tally of a process that has
 * stopped saving it and records what it answered without a record (`reapDecisionTallies`).
 * What a killed process answered after its last tally (at most about 250 ms) is not known.
 */
export class DecisionLog {
  readonly #store: Store;
  readonly #clock: () => number;
  readonly #settings: ReturnType<typeof decisionLogSettings>;
  readonly #drafts = new DecisionDrafts();
  /** The last time read from the clock and its ISO text: checks in one millisecond share it. */
  #lastTime = Number.NaN;
  #lastAt = "";
  #answered = 0;
  #recorded = 0;
  #dropped = 0;
  #failed = 0;
  #lastError: string | null = null;
  readonly #lost: Record<DecisionLossReason, number> = {
    buffer_full: 0,
    store_failed: 0,
    closed: 0,
    process_ended: 0,
  };
  /** This process's losses not yet in the store (merged by reason). */
  #pendingLosses: DecisionLoss[] = [];
  /** Of this process's own losses, those the store holds (its tally's `lost`). */
  #lossesWritten = 0;
  readonly #process: string;
  readonly #startedAt: string;
  /** When the log last took its buffer into a write that succeeded. */
  #writtenAt: string;
  #tallySaved = -1;
  readonly #warned = new Map<DecisionLossReason, { at: number; count: number }>();
  readonly #warn: (message: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #purgeTimer: NodeJS.Timeout | undefined;
  #tallyTimer: NodeJS.Timeout | undefined;
  #reapTimer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    store: Store,
    options: DecisionLogOptions = {},
    clock: () => number = Date.now,
    warn: (message: string) => void = warnOnStderr,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#warn = warn;
    this.#settings = decisionLogSettings(options);
    this.#startedAt = new Date(clock()).toISOString();
    this.#writtenAt = this.#startedAt;
    this.#process = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.#purgeTimer = setInterval(() => void this.purge().catch(() => {}), this.#settings.purgeIntervalMs);
    this.#purgeTimer.unref();
    this.#tallyTimer = setInterval(() => void this.#saveTally(), TALLY_MS);
    this.#tallyTimer.unref();
    this.#reapTimer = setInterval(() => void this.reap().catch(() => {}), REAP_MS);
    this.#reapTimer.unref();
  }

  /** This process's name in the store's tallies and losses. */
  get process(): string {
    return this.#process;
  }

  /** The buffer is full: the caller should `await flush()` before the next check is observed. */
  get full(): boolean {
    return this.#drafts.count >= this.#settings.maxBuffer;
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
    this.#answered++;
    const drafts = this.#drafts;
    const n = drafts.count;
    const time = this.#clock();
    if (time !== this.#lastTime) {
      this.#lastTime = time;
      this.#lastAt = new Date(time).toISOString();
    }
    if (n >= this.#settings.maxBuffer || this.#closed) {
      this.#dropped++;
      this.#lose(this.#closed ? "closed" : "buffer_full", 1, this.#lastAt, this.#lastAt);
      return;
    }
    const error = drafts.add(this.#lastAt, tenant, request, allowed, revision, schema);
    if (error !== undefined) {
      this.#failed++;
      this.#lastError = error.message;
      this.#lose("store_failed", 1, this.#lastAt, this.#lastAt);
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

  /**
   * Records, as losses, what processes that are gone answered without a record (their tallies
   * stopped being saved more than `staleAfterMs` ago); returns those losses. Liveness is wall-
   * clock time, never the log's clock: a rehearsal with a clock set ahead (`GATEHOUSE_NOW`)
   * must not take running processes for gone ones.
   */
  async reap(): Promise<DecisionLoss[]> {
    const staleBefore = new Date(Date.now() - this.#settings.staleAfterMs).toISOString();
    const losses = await this.#store.reapDecisionTallies(staleBefore);
    for (const loss of losses) {
      this.#lost.process_ended += loss.count;
      this.#warnAbout(
        "process_ended",
        loss.count,
        `process ${loss.process} ended with decisions unwritten (answered ${loss.firstAt} to ${loss.lastAt})`,
      );
    }
    return losses;
  }

  stats(): DecisionLogStats {
    return {
      answered: this.#answered,
      recorded: this.#recorded,
      dropped: this.#dropped,
      failed: this.#failed,
      lost: { ...this.#lost },
      buffered: this.#drafts.count,
      lastError: this.#lastError,
    };
  }

  /**
   * Stops the timers and writes what is left, with the final tally (ended); later checks are
   * counted as lost (`closed`).
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#purgeTimer);
    clearInterval(this.#tallyTimer);
    clearInterval(this.#reapTimer);
    this.#timer = undefined;
    await this.flush();
    // The final tally says the process ended cleanly; a failing store keeps the error.
    const last = this.#writing.then(() => this.#write(true)).then(() => undefined, this.#failedWrite);
    this.#writing = last;
    await last;
  }

  /** Counts a loss, warns (rate-limited) and keeps it to be written to the store. */
  #lose(reason: DecisionLossReason, count: number, firstAt: string, lastAt: string): void {
    this.#lost[reason] += count;
    const pending = this.#pendingLosses.find((l) => l.reason === reason);
    if (pending) {
      this.#pendingLosses = this.#pendingLosses.map((l) =>
        l === pending
          ? { ...l, count: l.count + count, firstAt: l.firstAt < firstAt ? l.firstAt : firstAt, lastAt }
          : l,
      );
    } else {
      this.#pendingLosses = [
        ...this.#pendingLosses,
        { process: this.#process, reason, count, firstAt, lastAt },
      ];
    }
    this.#warnAbout(reason, count, `decisions answered from ${firstAt} have no record`);
    // Written soon, with the next batch or on its own.
    if (this.#timer === undefined && !this.#closed) this.#schedule(this.#settings.flushIntervalMs);
  }

  #warnAbout(reason: DecisionLossReason, count: number, detail: string): void {
    const now = Date.now();
    const last = this.#warned.get(reason);
    if (last && now - last.at < WARN_EVERY_MS) {
      last.count += count;
      return;
    }
    const total = count + (last?.count ?? 0);
    this.#warned.set(reason, { at: now, count: 0 });
    this.#warn(`decision log: ${total} decision${total === 1 ? "" : "s"} lost (${reason}): ${detail}`);
  }

  /** Saves the tally alone (no pages), in turn with the writes, when anything moved. */
  #saveTally(): void {
    if (this.#answered === this.#tallySaved || this.#closed) return;
    this.#writing = this.#writing.then(() => this.#write(false)).then(() => undefined, this.#failedWrite);
  }

  /** A tally or loss that could not be written stays pending, for the next write. */
  readonly #failedWrite = (error: unknown): void => {
    this.#lastError = (error as Error).message;
  };

  /**
   * Writes the pending losses and the tally (and `pages`, if any) in one store transaction, so
   * that the store's tally always agrees with the pages and losses it holds.
   */
  async #write(ended: boolean, pages: ReturnType<DecisionDrafts["take"]> = []): Promise<number> {
    const count = pages.reduce((n, page) => n + page.count, 0);
    if (this.#answered === 0 && count === 0 && this.#pendingLosses.length === 0) return 0;
    // Taken out while written: losses counted meanwhile start a new list.
    const losses = this.#pendingLosses;
    this.#pendingLosses = [];
    const lossCount = losses.reduce((n, l) => n + l.count, 0);
    const answered = this.#answered;
    const tally: DecisionTally = {
      process: this.#process,
      startedAt: this.#startedAt,
      // Wall-clock time: it says when the process was last alive (see `reap`).
      savedAt: new Date().toISOString(),
      writtenAt: this.#writtenAt,
      answered,
      recorded: this.#recorded + count,
      lost: this.#lossesWritten + lossCount,
      ended,
    };
    let written: number;
    try {
      written = await this.#store.appendDecisionPages(pages, { losses, tally });
    } catch (error) {
      this.#pendingLosses = [...losses, ...this.#pendingLosses];
      throw error;
    }
    this.#lossesWritten += lossCount;
    this.#tallySaved = answered;
    return written;
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
    if (this.#drafts.count === 0 && this.#pendingLosses.length === 0) return;
    // The pages are made now, synchronously: checks answered while they are written start new ones.
    const takenAt = new Date(this.#clock()).toISOString();
    const pages = this.#drafts.take();
    let failures = 0;
    for (let start = 0; start < Math.max(1, pages.length); start += PAGES_PER_WRITE) {
      const chunk = pages.slice(start, start + PAGES_PER_WRITE);
      try {
        this.#recorded += await this.#write(false, chunk);
      } catch (error) {
        const lost = chunk.reduce((n, page) => n + page.count, 0);
        this.#failed += lost;
        failures++;
        this.#lastError = (error as Error).message;
        if (lost > 0) {
          const first = chunk[0]?.firstAt ?? takenAt;
          const last = chunk[chunk.length - 1]?.lastAt ?? takenAt;
          this.#lose("store_failed", lost, first, last);
        }
      }
    }
    if (failures === 0) this.#writtenAt = takenAt;
  }
}

function warnOnStderr(message: string): void {
  process.stderr.write(
    `${JSON.stringify({ level: "warn", time: new Date().toISOString(), msg: message })}\n`,
  );
}
