import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { HeadWatch } from "../common/head-watch.js";
import { checkLimit } from "../common/input-checks.js";
import { planUpdates } from "../common/write-plan.js";
import { AuditLog } from "./audit-log.js";
import { applyChange } from "./change-apply.js";
import { ChangeTables } from "./change-tables.js";
import { PostgresConnection } from "./connection.js";
import { DecisionTable } from "./decision-table.js";
import { GuardsVersions } from "./guards-versions.js";
import { LifecycleTables } from "./lifecycle-tables.js";
import { parseLocation } from "./location.js";
import { applyMigrations } from "./migrations.js";
import { RelationshipReads } from "./relationship-reads.js";
import { writeUpdates } from "./relationship-writes.js";
import { revisionEvents } from "./revision-events.js";
import { RevisionListener } from "./revision-listener.js";
import { checkRevision, Revisions } from "./revisions.js";
import { RolloutTable } from "./rollout-table.js";
import { SchemaVersions } from "./schema-versions.js";
import { ShadowTables } from "./shadow-tables.js";
import { TokenTable } from "./token-table.js";
const DEFAULT_EVENT_LIMIT = 1_000;
const DEFAULT_WATCH_POLL_MS = 1_000;
/**
 * The store for several nodes: the parts in this folder over one pool, each method one
 * transaction, with the SQLite store's behaviour case for case (the conformance suite holds both
 * to it). Writers on all nodes are serialised on the revision counter (`revisions.ts`); readers
 * never wait for them.
 */
export class PostgresStore {
    kind = "postgres";
    #db;
    #now;
    #revisions;
    #relationships;
    #schemas = new SchemaVersions();
    #changes;
    #guards;
    #audit;
    #tokens;
    #rollouts;
    #shadow;
    #decisions;
    #lifecycle;
    #watch;
    #listener;
    /** The newest head this store has seen (its writes, reads of the head, notifications). */
    #knownHead;
    constructor(db, now, head, watchPollMs) {
        this.#db = db;
        this.#now = () => now().toISOString();
        this.#knownHead = head;
        this.#revisions = new Revisions(db.location.channel, this.#now);
        this.#relationships = new RelationshipReads(db, this.#revisions);
        this.#changes = new ChangeTables(this.#revisions, this.#now);
        this.#guards = new GuardsVersions(this.#now);
        this.#audit = new AuditLog(this.#now);
        this.#tokens = new TokenTable(this.#now);
        this.#rollouts = new RolloutTable(this.#now);
        this.#shadow = new ShadowTables(this.#now);
        this.#decisions = new DecisionTable();
        this.#lifecycle = new LifecycleTables(this.#now);
        this.#watch = new HeadWatch({
            readHead: () => this.headRevision(),
            pollMs: watchPollMs,
            onStart: () => this.#listener.start(),
            onStop: () => this.#listener.stop(),
        });
        this.#listener = new RevisionListener(db, (head) => this.#watch.observe(this.#saw(head)), () => void this.#watch.check());
    }
    /**
     * Connects (an unreachable server is an `unavailable` error naming host and port), creates the
     * schema if needed and brings it up to date.
     */
    static async open(url, options = {}) {
        const db = await PostgresConnection.open(parseLocation(url), options);
        try {
            await applyMigrations(db);
            const head = await new Revisions(db.location.channel, () => "").head(db.sql);
            return new PostgresStore(db, options.now ?? (() => new Date()), head, options.watchPollMs ?? DEFAULT_WATCH_POLL_MS);
        }
        catch (error) {
            await db.close();
            throw error;
        }
    }
    async headRevision() {
        return this.#saw(await this.#revisions.head(this.#db.sql));
    }
    async tenants() {
        const rows = await this.#db.sql.rows("SELECT name FROM tenants ORDER BY name");
        return rows.map(([name]) => name);
    }
    async writeRelationships(tenant, updates, options = {}) {
        checkTenant(tenant, { field: "tenant" });
        if (updates.length === 0)
            throw inputError("a relationship write needs at least one update", { field: "updates" });
        const planned = planUpdates(updates);
        const result = await this.#db.transaction(async (sql) => {
            const revision = await this.#revisions.next(sql, tenant, "relationships", options);
            return { revision, ...(await writeUpdates(sql, tenant, revision, planned)) };
        });
        this.#saw(result.revision);
        return result;
    }
    async readRelationships(tenant, filter = {}, options = {}) {
        return this.#relationships.read(tenant, filter, options);
    }
    scanTenant(tenant, atRevision) {
        return this.#relationships.scan(tenant, atRevision);
    }
    async relationshipShapes() {
        return this.#relationships.shapes();
    }
    async writeSchema(text, options = {}) {
        if (typeof text !== "string")
            throw inputError("the schema must be text", { field: "schema" });
        const version = await this.#db.transaction(async (sql) => {
            const revision = await this.#revisions.next(sql, null, "schema", options);
            return this.#schemas.insert(sql, revision, text, this.#now(), options.actor ?? null);
        });
        this.#saw(version.revision);
        return version;
    }
    async readSchema(atRevision) {
        const sql = this.#db.sql;
        return this.#schemas.at(sql, await this.#revisions.at(sql, atRevision));
    }
    async listSchemaVersions() {
        return this.#schemas.list(this.#db.sql);
    }
    async revisionTime(revision) {
        if (!Number.isSafeInteger(revision))
            return undefined;
        const [row] = await this.#db.sql.rows("SELECT created_at FROM revisions WHERE revision = $1", [
            revision,
        ]);
        return row?.[0];
    }
    async revisionsSince(afterRevision, limit = DEFAULT_EVENT_LIMIT) {
        checkRevision(afterRevision);
        const sql = this.#db.sql;
        await this.#revisions.at(sql, afterRevision);
        return revisionEvents(sql, afterRevision, checkLimit(limit, "limit"));
    }
    /** See the SQLite store: the record's target names the new change. */
    async createChange(change, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const id = await this.#changes.insert(sql, change);
            await this.#audit.append(sql, { ...audit, target: `change:${id}` });
            return this.#changes.require(sql, id);
        });
    }
    async createLifecycleChange(change, lifecycle, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const id = await this.#changes.insert(sql, change);
            const record = await this.#lifecycle.insert(sql, id, lifecycle);
            await this.#audit.append(sql, { ...audit, target: `change:${id}` });
            return { change: await this.#changes.require(sql, id), lifecycle: record };
        });
    }
    async getLifecycle(changeId) {
        return this.#lifecycle.get(this.#db.sql, changeId);
    }
    async listLifecycle(filter = {}) {
        return this.#lifecycle.list(this.#db.sql, filter);
    }
    async readRetention() {
        return this.#lifecycle.retention(this.#db.sql);
    }
    async writeRetention(days, actor, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const setting = await this.#lifecycle.setRetention(sql, days, actor);
            await this.#audit.append(sql, audit);
            return setting;
        });
    }
    async relationshipHistory(tenant, relationships) {
        return this.#db.transaction((sql) => this.#lifecycle.history(sql, tenant, relationships));
    }
    async purgeRelationships(input, audit) {
        return this.#db.transaction(async (sql) => {
            // The same lock order as an apply (revision counter, then audit head): no deadlock.
            await this.#revisions.lock(sql);
            await this.#audit.lock(sql);
            const change = await this.#changes.require(sql, input.changeId);
            if (change.state === "applied")
                throw new GatehouseError("conflict", `change ${input.changeId} is applied already; nothing was purged`);
            const removed = await this.#lifecycle.purge(sql, input.tenant, input.relationships);
            const revision = await this.#revisions.next(sql, input.tenant, "purge", {
                actor: audit.actor,
                reason: audit.reason ?? undefined,
            });
            await this.#changes.update(sql, input.changeId, { state: "applied", plan: input.plan });
            await this.#audit.append(sql, audit, revision);
            return { removed, revision, change: await this.#changes.require(sql, input.changeId) };
        });
    }
    async getChange(id) {
        return this.#changes.get(this.#db.sql, id);
    }
    async listChanges(filter = {}) {
        return this.#changes.list(this.#db.sql, filter);
    }
    async updateChange(id, update, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            await this.#changes.update(sql, id, update);
            await this.#audit.append(sql, audit);
            return this.#changes.require(sql, id);
        });
    }
    async addApproval(id, principal, comment, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            await this.#changes.approve(sql, id, principal, comment);
            await this.#audit.append(sql, audit);
            return this.#changes.require(sql, id);
        });
    }
    async applyChange(input) {
        const result = await applyChange({
            db: this.#db,
            revisions: this.#revisions,
            schemas: this.#schemas,
            changes: this.#changes,
            audit: this.#audit,
            now: this.#now,
        }, input);
        this.#saw(result.revision);
        return result;
    }
    async writeGuards(text, author, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const guards = await this.#guards.insert(sql, text, author);
            await this.#audit.append(sql, audit);
            return guards;
        });
    }
    async readGuards() {
        return this.#guards.latest(this.#db.sql);
    }
    async appendAudit(record) {
        return this.#db.transaction((sql) => this.#audit.append(sql, record));
    }
    async listAudit(filter = {}) {
        return this.#audit.list(this.#db.sql, filter);
    }
    async verifyAudit() {
        return this.#db.transaction((sql) => this.#audit.verify(sql));
    }
    async createToken(token, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const record = await this.#tokens.insert(sql, token);
            await this.#audit.append(sql, audit);
            return record;
        });
    }
    async listTokens() {
        return this.#tokens.list(this.#db.sql);
    }
    async revokeToken(name, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const record = await this.#tokens.revoke(sql, name);
            await this.#audit.append(sql, audit);
            return record;
        });
    }
    async findToken(secretHash) {
        return this.#tokens.findLive(this.#db.sql, secretHash);
    }
    async startRollout(rollout, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const record = await this.#rollouts.insert(sql, rollout);
            await this.#audit.append(sql, { ...audit, target: `rollout:${record.id}` });
            return record;
        });
    }
    async latestRollout() {
        return this.#rollouts.latest(this.#db.sql);
    }
    async updateRollout(id, expectedVersion, update, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const record = await this.#rollouts.update(sql, id, expectedVersion, update);
            await this.#audit.append(sql, audit);
            return record;
        });
    }
    async startShadow(input, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const session = await this.#shadow.start(sql, input.changeId, input.schema, input.actor);
            await this.#audit.append(sql, audit);
            return session;
        });
    }
    async stopShadow(actor, audit) {
        return this.#db.transaction(async (sql) => {
            await this.#audit.lock(sql);
            const session = await this.#shadow.stop(sql, actor);
            await this.#audit.append(sql, audit);
            return session;
        });
    }
    async runningShadow() {
        return this.#shadow.running(this.#db.sql);
    }
    async getShadow(id) {
        return this.#shadow.get(this.#db.sql, id);
    }
    async addShadowTally(sessionId, tally) {
        await this.#db.transaction((sql) => this.#shadow.addTally(sql, sessionId, tally));
    }
    /** In one transaction, so the session's totals and its rows are of one moment. */
    async readShadow(sessionId) {
        return this.#db.transaction((sql) => this.#shadow.read(sql, sessionId));
    }
    async appendDecisions(records) {
        return this.#db.transaction((sql) => this.#decisions.append(sql, records));
    }
    async listDecisions(filter = {}) {
        return this.#decisions.list(this.#db.sql, filter);
    }
    async purgeDecisions(olderThan) {
        return this.#db.transaction((sql) => this.#decisions.purge(sql, olderThan));
    }
    /**
     * LISTEN/NOTIFY for speed, a poll every `watchPollMs` for safety. A listener is told of heads
     * after the newest this store had seen when it started watching: a follower that catches up
     * with `revisionsSince` on every call misses nothing, and at worst looks once for nothing.
     */
    watch(listener) {
        return this.#watch.add(listener, this.#knownHead);
    }
    async close() {
        this.#watch.close();
        this.#listener.stop();
        await this.#db.close();
    }
    #saw(head) {
        if (head > this.#knownHead)
            this.#knownHead = head;
        return head;
    }
}
//# sourceMappingURL=postgres-store.js.map