import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { HeadWatch } from "../common/head-watch.js";
import { checkLimit } from "../common/input-checks.js";
import { planUpdates } from "../common/write-plan.js";
import { AuditLog } from "./audit-log.js";
import { applyChange } from "./change-apply.js";
import { ChangeTables } from "./change-tables.js";
import { SqliteConnection } from "./connection.js";
import { DecisionTable } from "./decision-table.js";
import { GuardsVersions } from "./guards-versions.js";
import { LifecycleTables } from "./lifecycle-tables.js";
import { RelationshipReads } from "./relationship-reads.js";
import { writeUpdates } from "./relationship-writes.js";
import { revisionEvents } from "./revision-events.js";
import { Revisions } from "./revisions.js";
import { RolloutTable } from "./rollout-table.js";
import { SchemaVersions } from "./schema-versions.js";
import { ShadowTables } from "./shadow-tables.js";
import { TokenTable } from "./token-table.js";
const DEFAULT_EVENT_LIMIT = 1_000;
/** Reading the head is one index lookup; ten a second costs nothing and feels immediate. */
const DEFAULT_WATCH_POLL_MS = 100;
/**
 * The embedded store: the parts in this folder over one connection, each method one
 * transaction. The methods are async only to match the interface that PostgreSQL needs.
 */
export class SqliteStore {
    kind = "sqlite";
    #db;
    #now;
    #revisions;
    #relationships;
    #schemas;
    #changes;
    #guards;
    #audit;
    #tokens;
    #rollouts;
    #shadow;
    #decisions;
    #lifecycle;
    #watch;
    constructor(db, now, watchPollMs) {
        this.#db = db;
        this.#now = () => now().toISOString();
        this.#revisions = new Revisions(db, this.#now);
        this.#relationships = new RelationshipReads(db, this.#revisions);
        this.#schemas = new SchemaVersions(db);
        this.#changes = new ChangeTables(db, this.#revisions, this.#now);
        this.#guards = new GuardsVersions(db, this.#now);
        this.#audit = new AuditLog(db, this.#now);
        this.#tokens = new TokenTable(db, this.#now);
        this.#rollouts = new RolloutTable(db, this.#now);
        this.#shadow = new ShadowTables(db, this.#now);
        this.#decisions = new DecisionTable(db);
        this.#lifecycle = new LifecycleTables(db, this.#now);
        this.#watch = new HeadWatch({ readHead: () => this.#revisions.head(), pollMs: watchPollMs });
    }
    static open(path, options = {}) {
        const db = SqliteConnection.open(path, options.busyTimeoutMs ?? 5_000);
        return new SqliteStore(db, options.now ?? (() => new Date()), options.watchPollMs ?? DEFAULT_WATCH_POLL_MS);
    }
    async headRevision() {
        return this.#revisions.head();
    }
    async tenants() {
        return this.#db.prepare("SELECT name FROM tenants ORDER BY name").pluck().all();
    }
    async writeRelationships(tenant, updates, options = {}) {
        checkTenant(tenant, { field: "tenant" });
        if (updates.length === 0)
            throw inputError("a relationship write needs at least one update", { field: "updates" });
        const planned = planUpdates(updates);
        return this.#db.transaction(() => {
            const revision = this.#revisions.next(tenant, "relationships", options);
            return { revision, ...writeUpdates(this.#db, tenant, revision, planned) };
        });
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
        return this.#db.transaction(() => {
            const revision = this.#revisions.next(null, "schema", options);
            return this.#schemas.insert(revision, text, this.#now(), options.actor ?? null);
        });
    }
    async readSchema(atRevision) {
        return this.#schemas.at(this.#revisions.at(atRevision));
    }
    async listSchemaVersions() {
        return this.#schemas.list();
    }
    async revisionTime(revision) {
        if (!Number.isSafeInteger(revision))
            return undefined;
        return this.#db.prepare("SELECT created_at FROM revisions WHERE revision = ?").pluck().get(revision);
    }
    async revisionsSince(afterRevision, limit = DEFAULT_EVENT_LIMIT) {
        this.#revisions.at(afterRevision);
        return revisionEvents(this.#db, afterRevision, checkLimit(limit, "limit"));
    }
    /**
     * The audit record's target is set to the new change (`change:<id>`): the caller cannot know
     * the id before the insert, and the record must name it.
     */
    async createChange(change, audit) {
        return this.#db.transaction(() => {
            const id = this.#changes.insert(change);
            this.#audit.append({ ...audit, target: `change:${id}` });
            return this.#changes.require(id);
        });
    }
    async createLifecycleChange(change, lifecycle, audit) {
        return this.#db.transaction(() => {
            const id = this.#changes.insert(change);
            const record = this.#lifecycle.insert(id, lifecycle);
            this.#audit.append({ ...audit, target: `change:${id}` });
            return { change: this.#changes.require(id), lifecycle: record };
        });
    }
    async getLifecycle(changeId) {
        return this.#lifecycle.get(changeId);
    }
    async listLifecycle(filter = {}) {
        return this.#lifecycle.list(filter);
    }
    async readRetention() {
        return this.#lifecycle.retention();
    }
    async writeRetention(days, actor, audit) {
        return this.#db.transaction(() => {
            const setting = this.#lifecycle.setRetention(days, actor);
            this.#audit.append(audit);
            return setting;
        });
    }
    async relationshipHistory(tenant, relationships) {
        return this.#lifecycle.history(tenant, relationships);
    }
    async purgeRelationships(input, audit) {
        return this.#db.transaction(() => {
            if (this.#changes.require(input.changeId).state === "applied")
                throw new GatehouseError("conflict", `change ${input.changeId} is applied already; nothing was purged`);
            const removed = this.#lifecycle.purge(input.tenant, input.relationships);
            const revision = this.#revisions.next(input.tenant, "purge", {
                actor: audit.actor,
                reason: audit.reason ?? undefined,
            });
            this.#changes.update(input.changeId, { state: "applied", plan: input.plan });
            this.#audit.append(audit, revision);
            return { removed, revision, change: this.#changes.require(input.changeId) };
        });
    }
    async getChange(id) {
        return this.#changes.get(id);
    }
    async listChanges(filter = {}) {
        return this.#changes.list(filter);
    }
    async updateChange(id, update, audit) {
        return this.#db.transaction(() => {
            this.#changes.update(id, update);
            this.#audit.append(audit);
            return this.#changes.require(id);
        });
    }
    async addApproval(id, principal, comment, audit) {
        return this.#db.transaction(() => {
            this.#changes.approve(id, principal, comment);
            this.#audit.append(audit);
            return this.#changes.require(id);
        });
    }
    async applyChange(input) {
        return applyChange({
            db: this.#db,
            revisions: this.#revisions,
            schemas: this.#schemas,
            changes: this.#changes,
            audit: this.#audit,
            now: this.#now,
        }, input);
    }
    async writeGuards(text, author, audit) {
        return this.#db.transaction(() => {
            const guards = this.#guards.insert(text, author);
            this.#audit.append(audit);
            return guards;
        });
    }
    async readGuards() {
        return this.#guards.latest();
    }
    async appendAudit(record) {
        return this.#db.transaction(() => this.#audit.append(record));
    }
    async listAudit(filter = {}) {
        return this.#audit.list(filter);
    }
    async verifyAudit() {
        return this.#audit.verify();
    }
    async createToken(token, audit) {
        return this.#db.transaction(() => {
            const record = this.#tokens.insert(token);
            this.#audit.append(audit);
            return record;
        });
    }
    async listTokens() {
        return this.#tokens.list();
    }
    async revokeToken(name, audit) {
        return this.#db.transaction(() => {
            const record = this.#tokens.revoke(name);
            this.#audit.append(audit);
            return record;
        });
    }
    async findToken(secretHash) {
        return this.#tokens.findLive(secretHash);
    }
    async startRollout(rollout, audit) {
        return this.#db.transaction(() => {
            const record = this.#rollouts.insert(rollout);
            this.#audit.append({ ...audit, target: `rollout:${record.id}` });
            return record;
        });
    }
    async latestRollout() {
        return this.#rollouts.latest();
    }
    async updateRollout(id, expectedVersion, update, audit) {
        return this.#db.transaction(() => {
            const record = this.#rollouts.update(id, expectedVersion, update);
            this.#audit.append(audit);
            return record;
        });
    }
    async startShadow(input, audit) {
        return this.#db.transaction(() => {
            const session = this.#shadow.start(input.changeId, input.schema, input.actor);
            this.#audit.append(audit);
            return session;
        });
    }
    async stopShadow(actor, audit) {
        return this.#db.transaction(() => {
            const session = this.#shadow.stop(actor);
            this.#audit.append(audit);
            return session;
        });
    }
    async runningShadow() {
        return this.#shadow.running();
    }
    async getShadow(id) {
        return this.#shadow.get(id);
    }
    async addShadowTally(sessionId, tally) {
        this.#db.transaction(() => this.#shadow.addTally(sessionId, tally));
    }
    async readShadow(sessionId) {
        return this.#db.transaction(() => this.#shadow.read(sessionId));
    }
    async appendDecisions(records) {
        return this.#db.transaction(() => this.#decisions.append(records));
    }
    async listDecisions(filter = {}) {
        return this.#decisions.list(filter);
    }
    async purgeDecisions(olderThan) {
        return this.#db.transaction(() => this.#decisions.purge(olderThan));
    }
    /**
     * Polls the head: another process's commit to the file is only visible by reading it. A write
     * through this store is seen by the same poll, which keeps one path for both.
     */
    watch(listener) {
        return this.#watch.add(listener, this.#revisions.head());
    }
    async close() {
        this.#watch.close();
        this.#db.close();
    }
}
//# sourceMappingURL=sqlite-store.js.map