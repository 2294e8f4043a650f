import { GatehouseError } from "../model/errors.js";
import { checkDecision } from "../store/common/decision-rows.js";
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
};
/** Rows per store call: large batches amortise the transaction, small ones keep SQLite's pauses short. */
const WRITE_CHUNK = 5_000;
const DAY_MS = 24 * 60 * 60 * 1_000;
/** Checks the options, naming the bad one, and fills in defaults; `off` becomes a sample of 0. */
export function decisionLogSettings(options = {}) {
    const bad = (field, expected, value) => new GatehouseError("input", `invalid decision log ${field} \`${String(value)}\`: expected ${expected}`, {
        field: `decisionLog.${field}`,
    });
    const sample = options.sample ?? DECISION_LOG_DEFAULTS.sample;
    if (sample !== "off" && (typeof sample !== "number" || !(sample >= 0 && sample <= 1)))
        throw bad("sample", "a fraction from 0 to 1, or `off`", sample);
    const retention = options.retention ?? DECISION_LOG_DEFAULTS.retention;
    if (typeof retention !== "number" || !(retention > 0) || !Number.isFinite(retention))
        throw bad("retention", "a number of days above 0", retention);
    const whole = (field) => {
        const value = options[field] ?? DECISION_LOG_DEFAULTS[field];
        if (!Number.isSafeInteger(value) || value < 1)
            throw bad(field, "a whole number, 1 or more", value);
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
 * The decision log's writer, a check observer. `observe` runs on the check path, so it only
 * appends four references and a number to arrays that are preallocated in spirit (no object, no
 * string is built per check); a timer turns them into records and writes them to the store in
 * batches. When the store is slower than the checks the buffer fills and checks are dropped and
 * counted rather than slowing anyone down. Request objects are kept by reference until written:
 * they are `readonly` and no caller of `Gatehouse.check` changes one after asking.
 */
export class DecisionLog {
    #store;
    #clock;
    #settings;
    #tenants = [];
    #requests = [];
    #answers = [];
    #revisions = [];
    #times = [];
    #count = 0;
    #recorded = 0;
    #dropped = 0;
    #failed = 0;
    #lastError = null;
    #timer;
    #purgeTimer;
    #writing = Promise.resolve();
    #closed = false;
    constructor(store, options = {}, clock = Date.now) {
        this.#store = store;
        this.#clock = clock;
        this.#settings = decisionLogSettings(options);
        this.#purgeTimer = setInterval(() => void this.purge().catch(() => { }), this.#settings.purgeIntervalMs);
        this.#purgeTimer.unref();
    }
    get settings() {
        return this.#settings;
    }
    observe(tenant, request, allowed, revision) {
        const { sample } = this.#settings;
        if (sample < 1 && !(Math.random() < sample))
            return;
        const n = this.#count;
        if (n >= this.#settings.maxBuffer || this.#closed) {
            this.#dropped++;
            return;
        }
        this.#tenants[n] = tenant;
        this.#requests[n] = request;
        this.#answers[n] = allowed;
        this.#revisions[n] = revision;
        this.#times[n] = this.#clock();
        this.#count = n + 1;
        if (n === 0)
            this.#schedule(this.#settings.flushIntervalMs);
        // Half full: write now rather than wait out the interval and drop what comes meanwhile.
        else if (n + 1 === this.#settings.maxBuffer >>> 1)
            this.#schedule(0);
    }
    /** Writes everything buffered so far; resolves once it is in the store (or counted as failed). */
    flush() {
        const next = this.#writing.then(() => this.#writeBuffered());
        this.#writing = next;
        return next;
    }
    /** Deletes records older than the retention window; returns how many. */
    async purge() {
        const cutoff = new Date(this.#clock() - this.#settings.retention * DAY_MS).toISOString();
        return this.#store.purgeDecisions(cutoff);
    }
    stats() {
        return {
            recorded: this.#recorded,
            dropped: this.#dropped,
            failed: this.#failed,
            buffered: this.#count,
            lastError: this.#lastError,
        };
    }
    /** Stops the timers and writes what is left; later checks are dropped. */
    async close() {
        this.#closed = true;
        clearTimeout(this.#timer);
        clearInterval(this.#purgeTimer);
        this.#timer = undefined;
        await this.flush();
    }
    #schedule(delayMs) {
        if (this.#timer !== undefined) {
            if (delayMs > 0)
                return;
            clearTimeout(this.#timer);
        }
        this.#timer = setTimeout(() => {
            this.#timer = undefined;
            void this.flush();
        }, delayMs);
        this.#timer.unref();
    }
    async #writeBuffered() {
        const count = this.#count;
        if (count === 0)
            return;
        const tenants = this.#tenants;
        const requests = this.#requests;
        const answers = this.#answers;
        const revisions = this.#revisions;
        const times = this.#times;
        // Swap in empty arrays first: checks answered while this batch is written go to those.
        this.#tenants = [];
        this.#requests = [];
        this.#answers = [];
        this.#revisions = [];
        this.#times = [];
        this.#count = 0;
        let lastTime = Number.NaN;
        let lastAt = "";
        for (let start = 0; start < count; start += WRITE_CHUNK) {
            const records = [];
            for (let i = start; i < Math.min(count, start + WRITE_CHUNK); i++) {
                const request = requests[i];
                const time = times[i];
                // Checks come in bursts within one millisecond: format each millisecond once.
                if (time !== lastTime) {
                    lastTime = time;
                    lastAt = new Date(time).toISOString();
                }
                records.push({
                    at: lastAt,
                    tenant: tenants[i],
                    resource: request.resource,
                    permission: request.permission,
                    subject: request.subject,
                    allowed: answers[i],
                    revision: revisions[i],
                });
            }
            await this.#append(records);
        }
    }
    async #append(records) {
        try {
            this.#recorded += await this.#store.appendDecisions(records);
        }
        catch (error) {
            if (!(error instanceof GatehouseError) || error.kind !== "input") {
                this.#failed += records.length;
                this.#lastError = error.message;
                return;
            }
            // A check the engine answered but the store cannot hold (a library caller's odd object id):
            // leave that one out rather than lose its whole batch.
            const writable = records.filter((record, i) => {
                try {
                    checkDecision(record, i);
                    return true;
                }
                catch {
                    return false;
                }
            });
            this.#failed += records.length - writable.length;
            this.#lastError = error.message;
            try {
                this.#recorded += writable.length > 0 ? await this.#store.appendDecisions(writable) : 0;
            }
            catch (again) {
                this.#failed += writable.length;
                this.#lastError = again.message;
            }
        }
    }
}
//# sourceMappingURL=decision-log.js.map