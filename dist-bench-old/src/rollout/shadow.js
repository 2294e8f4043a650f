import { GatehouseError } from "../model/errors.js";
import { formatSubject } from "../model/relationship.js";
import { parseSchema } from "../schema/schema.js";
import { changedMembers } from "../schema/schema-diff.js";
import { SHADOW_SAMPLE_LIMIT, } from "../store/shadow-records.js";
import { summarise } from "./divergence-report.js";
/** How often a process adds its observations to the store, and looks for a start or stop. */
const TICK_MS = 1_000;
/** Second evaluations waiting at most; past this, a check pays for its own at once. */
const QUEUE_LIMIT = 50_000;
/** How long one turn of second evaluations may hold the event loop. */
const SLICE_MS = 4;
/**
 * Shadow evaluation in one process. While a session runs (in the store, so that every process
 * and node sees it), every answered check is also evaluated under the candidate schema and each
 * difference is counted; the answer given is always the active schema's.
 *
 * Only checks of members whose answers can differ (`changedMembers`: their definition changed,
 * or they depend on one that did) are evaluated again; every other check answers the same by
 * construction. The second evaluation is queued and runs right after, a few milliseconds of
 * work at a time, so the caller does not wait for it. It is exact when the tenant's data did not
 * move meanwhile (its index version says so; the queue drains within milliseconds, so this is
 * the usual case). When a write moved it, the pair is compared on the new data only if the
 * answer given still holds there, and otherwise counted as `moved`, never as a divergence. A
 * full queue makes the caller evaluate at once instead. Checks of tenants in a staged rollout are
 * not observed: a rollout's candidate answered them, not the active schema the session compares.
 *
 * Observations are kept in memory and added to the store every second (and at close), off the
 * hot path, as increments, so several processes add up.
 */
export class Shadow {
    #store;
    #engine;
    #candidate;
    #pending;
    #timer;
    #ticking = false;
    #closed = false;
    #checks = 0;
    #evaluated = 0;
    #moved = 0;
    #queue = [];
    #queueHead = 0;
    #scheduled = false;
    #divergences = new Map();
    constructor(store, engine) {
        this.#store = store;
        this.#engine = engine;
    }
    /** Learns whether a session runs, then follows starts and stops (about once a second). */
    async open() {
        await this.refresh();
        this.#timer = setInterval(() => void this.#tick(), TICK_MS);
        // A process that has nothing else to do must be able to exit; `close` flushes.
        this.#timer.unref();
    }
    /** Stops following and adds what is still pending to the store. */
    async close() {
        if (this.#closed)
            return;
        this.#closed = true;
        if (this.#timer)
            clearInterval(this.#timer);
        // Counts that cannot be written now are lost with the process; closing must not fail for it.
        await this.flush().catch(() => undefined);
    }
    get running() {
        return this.#candidate?.session;
    }
    stats() {
        return {
            running: this.#candidate !== undefined,
            checks: this.#checks,
            evaluated: this.#evaluated,
            moved: this.#moved,
            divergences: this.#divergences,
        };
    }
    async #tick() {
        if (this.#ticking || this.#closed)
            return;
        this.#ticking = true;
        try {
            await this.flush();
            await this.refresh();
        }
        catch {
            // The store is unreachable or busy: the next tick tries again; pending counts are kept.
        }
        finally {
            this.#ticking = false;
        }
    }
    /** Reads which session runs now; a stopped or replaced one is flushed first. */
    async refresh() {
        const session = await this.#store.runningShadow();
        if (session?.id === this.#candidate?.session.id)
            return;
        if (this.#pending && this.#pending.sessionId !== session?.id)
            await this.flush();
        this.#candidate = session ? candidateOf(session) : undefined;
    }
    /** Sees one answered check; see the class comment for why the second evaluation runs here. */
    observe(tenant, request, allowed, _revision, rolledOut) {
        const candidate = this.#candidate;
        // A tenant in a staged rollout is answered by the rollout's candidate, not the active schema
        // this session compares against; its checks say nothing about the shadowed change.
        if (candidate === undefined || rolledOut)
            return;
        this.#checks++;
        const pending = this.#pendingFor(candidate.session.id);
        pending.checks++;
        const active = this.#engine.schema;
        if (active !== candidate.activeSchema) {
            candidate.changed = changedByType(active, candidate.schema);
            candidate.activeSchema = active;
        }
        if (candidate.changed.get(request.resource.type)?.has(request.permission) !== true)
            return;
        const index = this.#engine.loadedIndex(tenant);
        if (index === undefined || this.#queue.length - this.#queueHead >= QUEUE_LIMIT) {
            // A full queue means evaluation cannot keep up: the caller pays for it now, nothing is lost.
            this.#evaluate(candidate, tenant, request, allowed);
            return;
        }
        this.#queue.push({
            candidate,
            tenant,
            request,
            allowed,
            data: index.data,
            version: index.data.version,
            active: active,
        });
        if (!this.#scheduled) {
            this.#scheduled = true;
            setImmediate(() => this.#drainSlice());
        }
    }
    /** Second evaluations for a few milliseconds at a time, so that waiting requests are not held up. */
    #drainSlice() {
        this.#scheduled = false;
        const until = performance.now() + SLICE_MS;
        let done = 0;
        while (this.#queueHead < this.#queue.length) {
            this.#settle(this.#queue[this.#queueHead]);
            this.#queue[this.#queueHead++] = undefined;
            if (++done % 32 === 0 && performance.now() > until)
                break;
        }
        this.#compactQueue();
        if (this.#queueHead < this.#queue.length && !this.#scheduled) {
            this.#scheduled = true;
            setImmediate(() => this.#drainSlice());
        }
    }
    /** Settles every queued evaluation now (before a flush or a report). */
    #drainAll() {
        while (this.#queueHead < this.#queue.length) {
            this.#settle(this.#queue[this.#queueHead]);
            this.#queue[this.#queueHead++] = undefined;
        }
        this.#compactQueue();
    }
    #compactQueue() {
        if (this.#queueHead === this.#queue.length) {
            this.#queue = [];
            this.#queueHead = 0;
        }
    }
    #settle(item) {
        if (item === undefined || item.candidate !== this.#candidate)
            return;
        const data = this.#engine.loadedIndex(item.tenant)?.data;
        if (data !== item.data || data.version !== item.version) {
            // The tenant's data moved between the answer and now. The candidate is compared only if
            // the answer given still holds on the data now; otherwise the pair is not comparable.
            let now;
            try {
                now = data !== undefined && this.#engine.check(item.tenant, item.request, item.active);
            }
            catch {
                now = false;
            }
            if (now !== item.allowed) {
                this.#moved++;
                return;
            }
        }
        this.#evaluate(item.candidate, item.tenant, item.request, item.allowed);
    }
    #evaluate(candidate, tenant, request, allowed) {
        this.#evaluated++;
        let answer;
        try {
            answer = this.#engine.check(tenant, request, candidate.schema);
        }
        catch {
            // The candidate cannot answer (it dropped the permission, the subject type, or the check
            // hits its depth limit): under it the check would fail, which denies.
            answer = false;
        }
        if (answer === allowed)
            return;
        this.#record(this.#pendingFor(candidate.session.id), tenant, request, allowed);
    }
    #pendingFor(sessionId) {
        let pending = this.#pending;
        if (pending === undefined || pending.sessionId !== sessionId) {
            // A pending tally of an earlier session is replaced only after `refresh` flushed it.
            pending = { sessionId, checks: 0, counts: new Map(), divergences: new Map(), dropped: false };
            this.#pending = pending;
        }
        return pending;
    }
    #record(pending, tenant, request, allowed) {
        const direction = allowed ? "would_block" : "would_allow";
        const permission = `${request.resource.type}#${request.permission}`;
        const countKey = `${tenant}\n${permission}\n${direction}`;
        const count = pending.counts.get(countKey);
        if (count)
            count.count++;
        else
            pending.counts.set(countKey, { tenant, permission, direction, count: 1 });
        const metricKey = `${direction}\n${permission}`;
        const metric = this.#divergences.get(metricKey);
        if (metric)
            metric.count++;
        else
            this.#divergences.set(metricKey, { direction, permission, count: 1 });
        const resource = `${request.resource.type}:${request.resource.id}`;
        const subject = formatSubject(request.subject);
        const key = `${tenant}\n${resource}\n${request.permission}\n${subject}\n${allowed}`;
        const seen = pending.divergences.get(key);
        if (seen)
            seen.count++;
        else if (pending.divergences.size < SHADOW_SAMPLE_LIMIT) {
            pending.divergences.set(key, {
                check: {
                    tenant,
                    resource,
                    permission: request.permission,
                    subject,
                    active: allowed,
                    candidate: !allowed,
                },
                count: 1,
            });
        }
        else
            pending.dropped = true;
    }
    /** Adds the pending observations to the store; on failure they stay pending for the next try. */
    async flush() {
        this.#drainAll();
        const pending = this.#pending;
        if (pending === undefined)
            return;
        this.#pending = undefined;
        if (pending.checks === 0 && pending.counts.size === 0)
            return;
        const tally = {
            checks: pending.checks,
            counts: [...pending.counts.values()].map((c) => ({ ...c })),
            divergences: [...pending.divergences.values()].map(({ check, count }) => ({ ...check, count })),
            dropped: pending.dropped,
        };
        try {
            await this.#store.addShadowTally(pending.sessionId, tally);
        }
        catch (error) {
            this.#merge(pending);
            throw error;
        }
    }
    /** Puts a tally that could not be written back in front of what came meanwhile. */
    #merge(failed) {
        const now = this.#pending;
        if (now === undefined || now.sessionId !== failed.sessionId) {
            if (now === undefined)
                this.#pending = failed;
            return;
        }
        failed.checks += now.checks;
        failed.dropped ||= now.dropped;
        for (const [key, c] of now.counts) {
            const into = failed.counts.get(key);
            if (into)
                into.count += c.count;
            else
                failed.counts.set(key, c);
        }
        for (const [key, d] of now.divergences) {
            const into = failed.divergences.get(key);
            if (into)
                into.count += d.count;
            else if (failed.divergences.size < SHADOW_SAMPLE_LIMIT)
                failed.divergences.set(key, d);
            else
                failed.dropped = true;
        }
        this.#pending = failed;
    }
    /**
     * Starts shadow evaluation of a model change's schema. The change must be open (not applied,
     * reverted, rejected or stale) and carry a schema that compiles.
     */
    async start(changeId, options) {
        const change = await this.#store.getChange(changeId);
        if (!change)
            throw new GatehouseError("not_found", `change ${changeId} does not exist`);
        const schema = candidateSchemaOf(change);
        parseSchema(schema, `change ${change.id} schema`);
        const session = await this.#store.startShadow({ changeId: change.id, schema, actor: options.actor }, {
            actor: options.actor,
            action: "shadow.start",
            tenant: null,
            target: `change:${change.id}`,
            reason: options.reason ?? null,
            details: null,
        });
        await this.refresh();
        return session;
    }
    async stop(options) {
        const running = await this.#store.runningShadow();
        const session = await this.#store.stopShadow(options.actor, {
            actor: options.actor,
            action: "shadow.stop",
            tenant: null,
            target: running ? `change:${running.changeId}` : "shadow",
            reason: options.reason ?? null,
            details: running ? { session: running.id } : null,
        });
        await this.refresh();
        return session;
    }
    /** The report of a session (default: the running one, else the newest), with this process's counts in it. */
    async report(options = {}) {
        await this.flush();
        const session = await this.#store.getShadow(options.session);
        if (!session) {
            throw options.session === undefined
                ? new GatehouseError("not_found", "no shadow evaluation has run yet: start one with `gatehouse shadow start CHANGE_ID`")
                : new GatehouseError("not_found", `shadow session ${options.session} does not exist`, {
                    field: "session",
                });
        }
        const observed = await this.#store.readShadow(session.id);
        const s = observed.session;
        return {
            session: s.id,
            running: s.stoppedAt === null,
            checks: s.checks,
            since: s.startedAt,
            until: s.stoppedAt,
            startedBy: s.startedBy,
            stoppedBy: s.stoppedBy,
            candidate: { change: s.changeId },
            ...summarise(observed.counts),
            divergences: observed.divergences,
            truncated: s.truncated,
        };
    }
}
/** The schema a model change proposes; a change without one, or one no longer open, is refused. */
export function candidateSchemaOf(change) {
    if (change.spec.schema === null) {
        throw new GatehouseError("input", `change ${change.id} is not a model change: it proposes no schema, so there is nothing to evaluate beside the active one`, { field: "change" });
    }
    if (!["proposed", "planned", "approved"].includes(change.state)) {
        throw new GatehouseError("conflict", `change ${change.id} is ${change.state}: only a change not yet applied can be evaluated as a candidate`, { field: "change" });
    }
    return change.spec.schema;
}
function candidateOf(session) {
    return {
        session,
        schema: parseSchema(session.schema, `shadow session ${session.id}`).compiled,
        activeSchema: undefined,
        changed: new Map(),
    };
}
function changedByType(active, candidate) {
    const out = new Map();
    for (const name of changedMembers(active, candidate)) {
        const [type, member] = name.split("#");
        let set = out.get(type);
        if (!set) {
            set = new Set();
            out.set(type, set);
        }
        set.add(member);
    }
    return out;
}
//# sourceMappingURL=shadow.js.map