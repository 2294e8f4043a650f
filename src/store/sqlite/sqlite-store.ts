import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import type { Relationship } from "../../model/relationship.js";
import { nextTurn } from "../../model/turns.js";
import type {
  ApplyInput,
  ApplyResult,
  AuditFilter,
  AuditRecord,
  AuditVerification,
  ChangeRecord,
  ChangeState,
  ChangeUpdate,
  GuardsVersion,
  NewAuditRecord,
  NewChange,
} from "../change-records.js";
import type { DecisionPageDraft } from "../common/decision-drafts.js";
import { HeadWatch } from "../common/head-watch.js";
import { checkId, checkLimit, jsonText } from "../common/input-checks.js";
import {
  type RevisionRow,
  revisionQuery,
  revisionsQuery,
  toRevisionRecord,
  writeAuditRecord,
} from "../common/revision-rows.js";
import { type PlannedUpdate, planUpdates, planUpdatesInSlices } from "../common/write-plan.js";
import type {
  DecisionFilter,
  DecisionLogExtras,
  DecisionLoss,
  DecisionRecord,
  DecisionTally,
  NewDecision,
} from "../decision-records.js";
import type {
  LifecycleRecord,
  LifecycleStore,
  NewLifecycleRecord,
  PurgeInput,
  PurgeScrub,
  RetentionSetting,
} from "../lifecycle-records.js";
import type { NewRollout, RolloutRecord, RolloutUpdate } from "../rollout-records.js";
import type { ShadowObservations, ShadowSession, ShadowTally } from "../shadow-records.js";
import type {
  ReadOptions,
  RelationshipFilter,
  RelationshipShape,
  RelationshipUpdate,
  Revision,
  RevisionEvent,
  RevisionFilter,
  RevisionRecord,
  SchemaVersion,
  Store,
  StoredRelationship,
  WriteOptions,
  WriteResult,
} from "../store.js";
import type { Role, TokenRecord } from "../token-records.js";
import { AuditLog } from "./audit-log.js";
import { applyChange } from "./change-apply.js";
import { ChangeTables } from "./change-tables.js";
import { SqliteConnection } from "./connection.js";
import { DecisionLosses } from "./decision-losses.js";
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
import { gated, WriteGate } from "./write-gate.js";

/** Updates per slice of a big write: a few milliseconds of inserts between two turns of the event loop. */
const WRITE_SLICE = 2_000;

export interface SqliteStoreOptions {
  /** How long to wait for another process's write lock before failing, in milliseconds. */
  readonly busyTimeoutMs?: number;
  /** How often `watch` looks at the file for revisions written by other processes. */
  readonly watchPollMs?: number;
  /** The clock recorded with revisions, changes, approvals, guards and audit records; tests fix it. */
  readonly now?: () => Date;
}

const DEFAULT_EVENT_LIMIT = 1_000;
/** Reading the head is one index lookup; ten a second costs nothing and feels immediate. */
const DEFAULT_WATCH_POLL_MS = 100;

/**
 * The embedded store: the parts in this folder over one connection, each method one
 * transaction. The methods are async only to match the interface that PostgreSQL needs.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  readonly #db: SqliteConnection;
  readonly #now: () => string;
  readonly #revisions: Revisions;
  readonly #relationships: RelationshipReads;
  readonly #schemas: SchemaVersions;
  readonly #changes: ChangeTables;
  readonly #guards: GuardsVersions;
  readonly #audit: AuditLog;
  readonly #tokens: TokenTable;
  readonly #rollouts: RolloutTable;
  readonly #shadow: ShadowTables;
  readonly #decisions: DecisionTable;
  readonly #losses: DecisionLosses;
  readonly #lifecycle: LifecycleTables;
  readonly #watch: HeadWatch;
  readonly #gate = new WriteGate();
  /** The committed head while a sliced write is open (see `#writeInSlices`). */
  #headBeforeWrite: Revision | undefined;

  private constructor(db: SqliteConnection, now: () => Date, watchPollMs: number) {
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
    this.#losses = new DecisionLosses(db);
    this.#lifecycle = new LifecycleTables(db, this.#now);
    // While a sliced write is open the connection sees its uncommitted revision: report the
    // head from before it.
    this.#watch = new HeadWatch({
      readHead: () => this.#headBeforeWrite ?? this.#revisions.head(),
      pollMs: watchPollMs,
    });
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = SqliteConnection.open(path, options.busyTimeoutMs ?? 5_000);
    const store = new SqliteStore(
      db,
      options.now ?? (() => new Date()),
      options.watchPollMs ?? DEFAULT_WATCH_POLL_MS,
    );
    return gated(store, store.#gate);
  }

  async headRevision(): Promise<Revision> {
    return this.#revisions.head();
  }

  async tenants(): Promise<string[]> {
    return this.#db.prepare("SELECT name FROM tenants ORDER BY name").pluck().all() as string[];
  }

  async writeRelationships(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    checkTenant(tenant, { field: "tenant" });
    if (updates.length === 0)
      throw inputError("a relationship write needs at least one update", { field: "updates" });
    const planned = updates.length <= WRITE_SLICE ? planUpdates(updates) : await planUpdatesInSlices(updates);
    if (planned.length <= WRITE_SLICE) {
      return this.#db.transaction(() => {
        const revision = this.#revisions.next(tenant, "relationships", options);
        const written = writeUpdates(this.#db, tenant, revision, planned);
        this.#auditWrite(tenant, options, revision, written);
        return { revision, ...written };
      });
    }
    return this.#writeInSlices(tenant, planned, options);
  }

  /** A direct write's audit record (counts, not tuples), in the write's own transaction. */
  #auditWrite(
    tenant: string,
    options: WriteOptions,
    revision: Revision,
    written: { readonly created: readonly Relationship[]; readonly deleted: readonly Relationship[] },
  ): void {
    const audit = writeAuditRecord(tenant, options, {
      created: written.created.length,
      deleted: written.deleted.length,
    });
    if (audit) this.#audit.append(audit, revision);
  }

  /**
   * A big write (an import) as one transaction written in slices, with a turn of the event loop
   * between them; the gate keeps every other store call out until it has ended (`WriteGate`).
   */
  #writeInSlices(
    tenant: string,
    planned: readonly PlannedUpdate[],
    options: WriteOptions,
  ): Promise<WriteResult> {
    return this.#gate.hold(async () => {
      this.#headBeforeWrite = this.#revisions.head();
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const revision = this.#revisions.next(tenant, "relationships", options);
        const created: Relationship[] = [];
        const deleted: Relationship[] = [];
        for (let start = 0; start < planned.length; start += WRITE_SLICE) {
          const slice = writeUpdates(this.#db, tenant, revision, planned.slice(start, start + WRITE_SLICE));
          for (const r of slice.created) created.push(r);
          for (const r of slice.deleted) deleted.push(r);
          await nextTurn();
        }
        this.#auditWrite(tenant, options, revision, { created, deleted });
        this.#db.exec("COMMIT");
        return { revision, created, deleted };
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      } finally {
        this.#headBeforeWrite = undefined;
      }
    });
  }

  async readRelationships(
    tenant: string,
    filter: RelationshipFilter = {},
    options: ReadOptions = {},
  ): Promise<StoredRelationship[]> {
    return this.#relationships.read(tenant, filter, options);
  }

  scanTenant(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]> {
    return this.#relationships.scan(tenant, atRevision);
  }

  async relationshipShapes(): Promise<RelationshipShape[]> {
    return this.#relationships.shapes();
  }

  async writeSchema(text: string, options: WriteOptions = {}): Promise<SchemaVersion> {
    if (typeof text !== "string") throw inputError("the schema must be text", { field: "schema" });
    return this.#db.transaction(() => {
      const revision = this.#revisions.next(null, "schema", options);
      return this.#schemas.insert(revision, text, this.#now(), options.actor ?? null);
    });
  }

  async readSchema(atRevision?: Revision): Promise<SchemaVersion | undefined> {
    return this.#schemas.at(this.#revisions.at(atRevision));
  }

  async listSchemaVersions(): Promise<SchemaVersion[]> {
    return this.#schemas.list();
  }

  async getRevision(revision: Revision): Promise<RevisionRecord | undefined> {
    checkId(revision, "revision");
    const { text, params } = revisionQuery(revision, () => "?");
    const row = this.#db
      .prepare(text)
      .raw()
      .get(...params) as RevisionRow | undefined;
    return row ? toRevisionRecord(row) : undefined;
  }

  async listRevisions(filter: RevisionFilter = {}): Promise<RevisionRecord[]> {
    const { text, params } = revisionsQuery(filter, () => "?");
    const rows = this.#db
      .prepare(text)
      .raw()
      .all(...params) as RevisionRow[];
    return rows.map(toRevisionRecord);
  }

  async revisionTime(revision: Revision): Promise<string | undefined> {
    if (!Number.isSafeInteger(revision)) return undefined;
    return this.#db.prepare("SELECT created_at FROM revisions WHERE revision = ?").pluck().get(revision) as
      | string
      | undefined;
  }

  async revisionsSince(afterRevision: Revision, limit = DEFAULT_EVENT_LIMIT): Promise<RevisionEvent[]> {
    this.#revisions.at(afterRevision);
    return revisionEvents(this.#db, afterRevision, checkLimit(limit, "limit"));
  }

  /**
   * The audit record's target is set to the new change (`change:<id>`): the caller cannot know
   * the id before the insert, and the record must name it.
   */
  async createChange(change: NewChange, audit: NewAuditRecord): Promise<ChangeRecord> {
    return this.#db.transaction(() => {
      const id = this.#changes.insert(change);
      this.#audit.append({ ...audit, target: `change:${id}` });
      return this.#changes.require(id);
    });
  }

  async createLifecycleChange(
    change: NewChange,
    lifecycle: NewLifecycleRecord,
    audit: NewAuditRecord,
  ): Promise<{ change: ChangeRecord; lifecycle: LifecycleRecord }> {
    return this.#db.transaction(() => {
      const id = this.#changes.insert(change);
      const record = this.#lifecycle.insert(id, lifecycle);
      this.#audit.append({ ...audit, target: `change:${id}` });
      return { change: this.#changes.require(id), lifecycle: record };
    });
  }

  async getLifecycle(changeId: number): Promise<LifecycleRecord | undefined> {
    return this.#lifecycle.get(changeId);
  }

  async listLifecycle(
    filter: Parameters<LifecycleStore["listLifecycle"]>[0] = {},
  ): Promise<LifecycleRecord[]> {
    return this.#lifecycle.list(filter);
  }

  async readRetention(): Promise<RetentionSetting> {
    return this.#lifecycle.retention();
  }

  async writeRetention(days: number, actor: string, audit: NewAuditRecord): Promise<RetentionSetting> {
    return this.#db.transaction(() => {
      const setting = this.#lifecycle.setRetention(days, actor);
      this.#audit.append(audit);
      return setting;
    });
  }

  async relationshipHistory(
    tenant: string,
    relationships: readonly Relationship[],
  ): Promise<StoredRelationship[]> {
    return this.#lifecycle.history(tenant, relationships);
  }

  async purgeRelationships(
    input: PurgeInput,
    audit: NewAuditRecord,
  ): Promise<{ removed: number; revision: Revision; change: ChangeRecord }> {
    return this.#db.transaction(() => {
      if (this.#changes.require(input.changeId).state === "applied")
        throw new GatehouseError(
          "conflict",
          `change ${input.changeId} is applied already; nothing was purged`,
        );
      const removed = this.#lifecycle.purge(input.tenant, input.relationships);
      const revision = this.#revisions.next(input.tenant, "purge", {
        actor: audit.actor,
        reason: audit.reason ?? undefined,
        door: `change ${input.changeId}`,
      });
      this.#changes.update(input.changeId, { state: "applied", plan: input.plan });
      if (input.scrub) this.#scrub(input.scrub);
      this.#audit.append(audit, revision);
      return { removed, revision, change: this.#changes.require(input.changeId) };
    });
  }

  /** A purge's rewrites of the records that named what it removes (see `PurgeScrub`). */
  #scrub(scrub: PurgeScrub): void {
    for (const c of scrub.changes) {
      this.#changes.rewrite(c.id, c);
      for (const a of c.comments)
        this.#db
          .prepare("UPDATE approvals SET comment = ? WHERE change_id = ? AND principal = ? AND plan = ?")
          .run(a.comment, c.id, a.principal, a.plan);
    }
    for (const l of scrub.lifecycle)
      this.#db
        .prepare("UPDATE lifecycle_changes SET target = ?, details = ? WHERE change_id = ?")
        .run(l.target, jsonText(l.details, "details"), l.changeId);
    for (const r of scrub.revisions)
      this.#db.prepare("UPDATE revisions SET reason = ? WHERE revision = ?").run(r.reason, r.revision);
  }

  async getChange(id: number): Promise<ChangeRecord | undefined> {
    return this.#changes.get(id);
  }

  async listChanges(
    filter: { tenant?: string; state?: ChangeState; limit?: number } = {},
  ): Promise<ChangeRecord[]> {
    return this.#changes.list(filter);
  }

  async updateChange(id: number, update: ChangeUpdate, audit: NewAuditRecord): Promise<ChangeRecord> {
    return this.#db.transaction(() => {
      this.#changes.update(id, update);
      this.#audit.append(audit);
      return this.#changes.require(id);
    });
  }

  async addApproval(
    id: number,
    principal: string,
    comment: string | null,
    audit: NewAuditRecord,
    plan: string | null = null,
  ): Promise<ChangeRecord> {
    return this.#db.transaction(() => {
      this.#changes.approve(id, principal, comment, plan);
      this.#audit.append(audit);
      return this.#changes.require(id);
    });
  }

  async applyChange(input: ApplyInput): Promise<ApplyResult> {
    return applyChange(
      {
        db: this.#db,
        revisions: this.#revisions,
        schemas: this.#schemas,
        changes: this.#changes,
        audit: this.#audit,
        now: this.#now,
      },
      input,
    );
  }

  async writeGuards(text: string, author: string, audit: NewAuditRecord): Promise<GuardsVersion> {
    return this.#db.transaction(() => {
      const guards = this.#guards.insert(text, author);
      this.#audit.append(audit);
      return guards;
    });
  }

  async readGuards(): Promise<GuardsVersion | undefined> {
    return this.#guards.latest();
  }

  async appendAudit(record: NewAuditRecord): Promise<AuditRecord> {
    return this.#db.transaction(() => this.#audit.append(record));
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return this.#audit.list(filter);
  }

  async verifyAudit(): Promise<AuditVerification> {
    return this.#audit.verify();
  }

  async createToken(
    token: { name: string; role: Role; tenants: readonly string[] | null; secretHash: string },
    audit: NewAuditRecord,
  ): Promise<TokenRecord> {
    return this.#db.transaction(() => {
      const record = this.#tokens.insert(token);
      this.#audit.append(audit);
      return record;
    });
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.#tokens.list();
  }

  async revokeToken(name: string, audit: NewAuditRecord): Promise<TokenRecord> {
    return this.#db.transaction(() => {
      const record = this.#tokens.revoke(name);
      this.#audit.append(audit);
      return record;
    });
  }

  async findToken(secretHash: string): Promise<TokenRecord | undefined> {
    return this.#tokens.findLive(secretHash);
  }

  async tokenRevocations(): Promise<number> {
    return this.#tokens.revocations();
  }
  async startRollout(rollout: NewRollout, audit: NewAuditRecord): Promise<RolloutRecord> {
    return this.#db.transaction(() => {
      const record = this.#rollouts.insert(rollout);
      this.#audit.append({ ...audit, target: `rollout:${record.id}` });
      return record;
    });
  }

  async latestRollout(): Promise<RolloutRecord | undefined> {
    return this.#rollouts.latest();
  }

  async updateRollout(
    id: number,
    expectedVersion: number,
    update: RolloutUpdate,
    audit: NewAuditRecord,
  ): Promise<RolloutRecord> {
    return this.#db.transaction(() => {
      const record = this.#rollouts.update(id, expectedVersion, update);
      this.#audit.append(audit);
      return record;
    });
  }

  async startShadow(
    input: { changeId: number; schema: string; actor: string },
    audit: NewAuditRecord,
  ): Promise<ShadowSession> {
    return this.#db.transaction(() => {
      const session = this.#shadow.start(input.changeId, input.schema, input.actor);
      this.#audit.append(audit);
      return session;
    });
  }

  async stopShadow(actor: string, audit: NewAuditRecord): Promise<ShadowSession> {
    return this.#db.transaction(() => {
      const session = this.#shadow.stop(actor);
      this.#audit.append(audit);
      return session;
    });
  }

  async runningShadow(): Promise<ShadowSession | undefined> {
    return this.#shadow.running();
  }

  async getShadow(id?: number): Promise<ShadowSession | undefined> {
    return this.#shadow.get(id);
  }

  async addShadowTally(sessionId: number, tally: ShadowTally): Promise<void> {
    this.#db.transaction(() => this.#shadow.addTally(sessionId, tally));
  }

  async readShadow(sessionId: number): Promise<ShadowObservations> {
    return this.#db.transaction(() => this.#shadow.read(sessionId));
  }

  async appendDecisions(records: readonly NewDecision[]): Promise<number> {
    return this.#db.transaction(() => this.#decisions.append(records));
  }

  async appendDecisionPages(
    drafts: readonly DecisionPageDraft[],
    extras: DecisionLogExtras = {},
  ): Promise<number> {
    return this.#db.transaction(() => {
      const count = this.#decisions.appendPages(drafts);
      for (const loss of extras.losses ?? []) this.#losses.record(loss);
      if (extras.tally) this.#losses.saveTally(extras.tally);
      return count;
    });
  }

  async listDecisions(filter: DecisionFilter = {}): Promise<DecisionRecord[]> {
    return this.#decisions.list(filter);
  }

  async purgeDecisions(olderThan: string): Promise<number> {
    return this.#db.transaction(() => {
      const purged = this.#decisions.purge(olderThan);
      this.#losses.purge(olderThan);
      return purged;
    });
  }

  async recordDecisionLoss(loss: DecisionLoss): Promise<void> {
    this.#losses.record(loss);
  }

  async listDecisionLosses(
    window: { since?: string | undefined; until?: string | undefined } = {},
  ): Promise<DecisionLoss[]> {
    return this.#losses.list(window);
  }

  async saveDecisionTally(tally: DecisionTally): Promise<void> {
    this.#losses.saveTally(tally);
  }

  async readDecisionTallies(): Promise<DecisionTally[]> {
    return this.#losses.tallies();
  }

  async reapDecisionTallies(staleBefore: string): Promise<DecisionLoss[]> {
    return this.#db.transaction(() => this.#losses.reap(staleBefore));
  }

  /**
   * Polls the head: another process's commit to the file is only visible by reading it. A write
   * through this store is seen by the same poll, which keeps one path for both.
   */
  watch(listener: (head: Revision) => void): () => void {
    return this.#watch.add(listener, this.#revisions.head());
  }

  async close(): Promise<void> {
    this.#watch.close();
    this.#db.close();
  }
}
