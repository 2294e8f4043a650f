import { GatehouseError, inputError } from "../model/errors.js";
import { expirationKey, parseExpiration } from "../model/expiration.js";
import { checkTenant } from "../model/names.js";
import type { Relationship } from "../model/relationship.js";
import type {
  ApplyInput,
  ApplyResult,
  AuditFilter,
  AuditRecord,
  AuditVerification,
  ChangeRecord,
  ChangeState,
  ChangeSummary,
  ChangeSummaryFilter,
  ChangeUpdate,
  GuardsVersion,
  NewAuditRecord,
  NewChange,
} from "./change-records.js";
import type { DecisionPageDraft } from "./common/decision-drafts.js";
import { HeadWatch } from "./common/head-watch.js";
import { checkId, checkLimit, jsonText } from "./common/input-checks.js";
import {
  type RevisionRow,
  revisionQuery,
  revisionsQuery,
  toRevisionRecord,
  writeAuditRecord,
} from "./common/revision-rows.js";
import { clockKey } from "./common/trait-columns.js";
import { planUpdates, planUpdatesInSlices } from "./common/write-plan.js";
import { checkWritePreconditions } from "./common/write-preconditions.js";
import type {
  DecisionFilter,
  DecisionLogExtras,
  DecisionLoss,
  DecisionRecord,
  DecisionTally,
  NewDecision,
} from "./decision-records.js";
import type {
  LifecycleRecord,
  LifecycleStore,
  NewLifecycleRecord,
  PurgeInput,
  PurgeScrub,
  RetentionSetting,
} from "./lifecycle-records.js";
import type { NodeBeat, NodeRecord } from "./node-records.js";
import type { NewRollout, RolloutRecord, RolloutUpdate } from "./rollout-records.js";
import type { ShadowObservations, ShadowSession, ShadowTally } from "./shadow-records.js";
import { Mutex } from "./sql/mutex.js";
import type { Database, Sql } from "./sql/sql.js";
import { SnapshotFiles } from "./sqlite/snapshot-files.js";
import type {
  FeedOptions,
  ImportBatch,
  ImportWriteOptions,
  ImportWriteResult,
  IndexSnapshotRecord,
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
  StoredIndexSnapshot,
  StoredRelationship,
  WriteOptions,
  WriteResult,
} from "./store.js";
import { AuditLog } from "./tables/audit-log.js";
import { applyChange } from "./tables/change-apply.js";
import { ChangeTables } from "./tables/change-tables.js";
import { DecisionLosses } from "./tables/decision-losses.js";
import { DecisionTable } from "./tables/decision-table.js";
import { collectExpired } from "./tables/expired-rows.js";
import { GuardsVersions } from "./tables/guards-versions.js";
import { ImportStaging } from "./tables/import-staging.js";
import { IndexSnapshots } from "./tables/index-snapshots.js";
import { LifecycleTables } from "./tables/lifecycle-tables.js";
import { NodeTable } from "./tables/node-table.js";
import { RelationshipReads } from "./tables/relationship-reads.js";
import { writeUpdates } from "./tables/relationship-writes.js";
import { revisionEvents } from "./tables/revision-events.js";
import { checkRevision, notAfter, Revisions } from "./tables/revisions.js";
import { RolloutTable } from "./tables/rollout-table.js";
import { SchemaVersions } from "./tables/schema-versions.js";
import { ShadowTables } from "./tables/shadow-tables.js";
import { TokenTable } from "./tables/token-table.js";
import type { Role, TokenRecord } from "./token-records.js";

/** Updates a write plans in one go; a bigger write is planned with turns of the event loop. */
const PLAN_SLICE = 2_000;
const DEFAULT_EVENT_LIMIT = 1_000;

/** Notifications of new heads where the database sends them (PostgreSQL's LISTEN). */
export interface HeadListener {
  start(): void;
  stop(): void;
}

export interface SqlStoreParts {
  readonly db: Database;
  /** The clock recorded with revisions, changes, approvals, guards and audit records. */
  readonly now: () => Date;
  /** The head when the store opened. */
  readonly head: Revision;
  /** How often `watch` reads the head: the only way on SQLite, a safety net beside listening. */
  readonly watchPollMs: number;
  /** Made once the store exists: calls `onHead` with each head it hears of, `onGap` when it may have missed one. */
  readonly listen?: (onHead: (head: Revision) => void, onGap: () => void) => HeadListener;
  /** Where tests hold a write in its transaction (see `StoreTestHooks`). */
  readonly hooks?: StoreTestHooks | undefined;
  /** A SQLite file store's index snapshots also kept as files beside it (snapshot-files.ts). */
  readonly snapshotFiles?: SnapshotFiles | undefined;
}

/** Points inside a store's transactions where a test can hold them, to show what waits for what. */
export interface StoreTestHooks {
  /**
   * Awaited inside a relationship write's transaction once its tenant is held and its
   * preconditions are checked, before it takes its revision.
   */
  readonly writeChecked?: ((tenant: string) => Promise<void>) | undefined;
  /** Awaited inside a relationship write's transaction right after it took its revision. */
  readonly revisionTaken?: ((tenant: string, revision: Revision) => Promise<void>) | undefined;
  /** Awaited inside an audited relationship write's transaction right after its audit record, before the commit. */
  readonly audited?: ((tenant: string, revision: Revision) => Promise<void>) | undefined;
}

/**
 * The store, on SQLite or PostgreSQL: the table modules (`tables/`) over one database, each
 * method one transaction. A writer holds its tenant (or the whole store) from its first
 * statement, and the revision sequence only from its number to its commit (`Revisions`): on
 * PostgreSQL, writes to different tenants make their checks at the same time. Readers never wait
 * for writers on PostgreSQL, and on SQLite wait only for the one connection.
 */
export class SqlStore implements Store {
  readonly kind: Database["dialect"]["kind"];
  readonly #db: Database;
  readonly #now: () => string;
  readonly #revisions: Revisions;
  readonly #relationships: RelationshipReads;
  readonly #schemas = new SchemaVersions();
  readonly #changes: ChangeTables;
  readonly #guards: GuardsVersions;
  readonly #audit: AuditLog;
  readonly #tokens: TokenTable;
  readonly #rollouts: RolloutTable;
  readonly #shadow: ShadowTables;
  readonly #decisions: DecisionTable;
  readonly #losses: DecisionLosses;
  readonly #lifecycle: LifecycleTables;
  readonly #nodes: NodeTable;
  readonly #snapshots: IndexSnapshots;
  readonly #watch: HeadWatch;
  readonly #listener: HeadListener | undefined;
  readonly #hooks: StoreTestHooks;
  /** Imports into SQLite take turns: they stage in one temporary table of the one connection. */
  readonly #imports = new Mutex();
  /** The newest head this store has seen (its writes, reads of the head, notifications). */
  #knownHead: Revision;

  constructor(parts: SqlStoreParts) {
    const { db, now } = parts;
    const dialect = db.dialect;
    this.kind = dialect.kind;
    this.#db = db;
    this.#now = () => now().toISOString();
    this.#knownHead = parts.head;
    this.#hooks = parts.hooks ?? {};
    this.#revisions = new Revisions(dialect, this.#now);
    this.#relationships = new RelationshipReads(db, this.#revisions, this.#now);
    this.#changes = new ChangeTables(dialect, this.#revisions, this.#now);
    this.#guards = new GuardsVersions(this.#now);
    this.#audit = new AuditLog(dialect, this.#now);
    this.#tokens = new TokenTable(this.#now);
    this.#rollouts = new RolloutTable(this.#now);
    this.#shadow = new ShadowTables(dialect, this.#now);
    this.#decisions = new DecisionTable(dialect);
    this.#losses = new DecisionLosses(dialect);
    this.#lifecycle = new LifecycleTables(dialect, this.#now);
    this.#nodes = new NodeTable(this.#now);
    this.#snapshots = new IndexSnapshots(dialect, this.#now, parts.snapshotFiles);
    this.#watch = new HeadWatch({
      readHead: () => this.headRevision(),
      pollMs: parts.watchPollMs,
      onStart: () => this.#listener?.start(),
      onStop: () => this.#listener?.stop(),
    });
    // A notified revision may have committed before lower ones (PostgreSQL): the head is read,
    // which stops below any still being written.
    this.#listener = parts.listen?.(
      (head) => {
        if (!this.#revisions.outOfOrder) this.#watch.observe(this.#saw(head));
        else if (head > this.#knownHead) void this.#watch.check();
      },
      () => void this.#watch.check(),
    );
  }

  async headRevision(): Promise<Revision> {
    return this.#saw(await this.#revisions.head(this.#db.sql));
  }

  async tenants(): Promise<string[]> {
    const rows = await this.#db.sql.rows<[string]>("SELECT name FROM tenants ORDER BY name");
    return rows.map(([name]) => name);
  }

  async writeRelationships(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    checkTenant(tenant, { field: "tenant" });
    if (updates.length === 0)
      throw inputError("a relationship write needs at least one update", { field: "updates" });
    const planned = updates.length <= PLAN_SLICE ? planUpdates(updates) : await planUpdatesInSlices(updates);
    const result = await this.#writing(async (sql) => {
      // The tenant is held before the preconditions are looked at, and nothing else: other
      // tenants' writes go on meanwhile, and the revision is taken only once they hold.
      await this.#revisions.lockWriter(sql, tenant);
      if (options.preconditions)
        await checkWritePreconditions(options.preconditions, (filter, prefix) =>
          this.#relationships.anyLive(sql, tenant, filter, prefix),
        );
      await this.#hooks.writeChecked?.(tenant);
      const revision = await this.#revisions.next(sql, tenant, "relationships", options);
      await this.#hooks.revisionTaken?.(tenant, revision);
      const written = await writeUpdates(
        sql,
        this.#db.dialect,
        tenant,
        revision,
        planned,
        clockKey(this.#now()),
      );
      // The revision is taken first (by `next`), then the tenant's audit chain is locked: the
      // apply's order. Other tenants' audited writes lock their own chains meanwhile.
      const audit = writeAuditRecord(tenant, options, {
        created: written.created.length,
        deleted: written.deleted.length,
      });
      if (audit) {
        await this.#audit.append(sql, audit, revision);
        await this.#hooks.audited?.(tenant, revision);
      }
      return { revision, ...written };
    });
    this.#sawWrite(result.revision);
    return result;
  }

  async importRelationships(
    tenant: string,
    batches: AsyncIterable<ImportBatch>,
    options: ImportWriteOptions = {},
  ): Promise<ImportWriteResult> {
    checkTenant(tenant, { field: "tenant" });
    const dialect = this.#db.dialect;
    const fill = async (
      staging: ImportStaging,
      inBatch: <T>(body: (sql: Sql) => Promise<T>) => Promise<T>,
    ) => {
      for await (const batch of batches) {
        if (batch.relationships.length === 0) continue;
        // Staged whether or not the caller listens for repeats (`staged?.(await ...)` would not stage).
        const repeats = await inBatch((sql) => staging.add(sql, batch));
        options.staged?.(repeats);
      }
      await options.beforeCommit?.();
    };
    const goLive = async (sql: Sql, staging: ImportStaging): Promise<ImportWriteResult> => {
      await this.#revisions.lockWriter(sql, tenant);
      const revision = await this.#revisions.next(sql, tenant, "relationships", options);
      const { created, ended } = await staging.moveInto(
        sql,
        tenant,
        revision,
        clockKey(this.#now()),
        options.refuseLive ?? false,
      );
      const audit = writeAuditRecord(tenant, options, { created, deleted: ended });
      if (audit) await this.#audit.append(sql, audit, revision);
      return { revision, created };
    };
    // SQLite: staged on the one connection outside a transaction, so that this process's other
    // statements run between batches; only the move holds it (imports take turns: one staging
    // table). PostgreSQL: one transaction on one connection (its temporary table is that
    // connection's), the revision sequence taken only at the end.
    const result = dialect.inProcess
      ? await this.#imports.hold(async () => {
          const staging = await ImportStaging.create(this.#db.sql, dialect, options.file);
          try {
            // A batch is one transaction of the temporary table (one journal write, not one a
            // row); DEFERRED, as it takes no lock of the store's file.
            await fill(staging, (body) => this.#db.read(body));
            return await this.#writing((sql) => goLive(sql, staging));
          } finally {
            await staging.drop(this.#db.sql);
          }
        })
      : await this.#writing(async (sql) => {
          const staging = await ImportStaging.create(sql, dialect, options.file);
          await fill(staging, (body) => body(sql));
          return goLive(sql, staging);
        });
    this.#sawWrite(result.revision);
    return result;
  }

  async readRelationships(
    tenant: string,
    filter: RelationshipFilter = {},
    options: ReadOptions = {},
  ): Promise<StoredRelationship[]> {
    return this.#relationships.read(tenant, filter, options);
  }

  async expiringRelationships(tenant: string, after: string, until: string): Promise<Relationship[]> {
    return this.#relationships.expiring(tenant, after, until);
  }

  scanTenant(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]> {
    return this.#relationships.scan(tenant, atRevision);
  }

  async relationshipShapes(): Promise<RelationshipShape[]> {
    return this.#relationships.shapes();
  }

  async writeSchema(text: string, options: WriteOptions = {}): Promise<SchemaVersion> {
    if (typeof text !== "string") throw inputError("the schema must be text", { field: "schema" });
    const version = await this.#writing(async (sql) => {
      await this.#revisions.lockWriter(sql, null);
      const revision = await this.#revisions.next(sql, null, "schema", options);
      return this.#schemas.insert(sql, revision, text, this.#now(), options.actor ?? null);
    });
    this.#sawWrite(version.revision);
    return version;
  }

  async readSchema(atRevision?: Revision): Promise<SchemaVersion | undefined> {
    const sql = this.#db.sql;
    return this.#schemas.at(sql, await this.#revisions.at(sql, atRevision));
  }

  async listSchemaVersions(): Promise<SchemaVersion[]> {
    return this.#schemas.list(this.#db.sql);
  }

  async getRevision(revision: Revision): Promise<RevisionRecord | undefined> {
    checkId(revision, "revision");
    const { text, params } = revisionQuery(revision, (n) => `$${n}`);
    const [row] = await this.#db.sql.rows<RevisionRow>(text, params);
    return row ? toRevisionRecord(row) : undefined;
  }

  async listRevisions(filter: RevisionFilter = {}): Promise<RevisionRecord[]> {
    const { text, params } = revisionsQuery(filter, (n) => `$${n}`);
    return (await this.#db.sql.rows<RevisionRow>(text, params)).map(toRevisionRecord);
  }

  async revisionTime(revision: Revision): Promise<string | undefined> {
    if (!Number.isSafeInteger(revision)) return undefined;
    const [row] = await this.#db.sql.rows<[string]>("SELECT created_at FROM revisions WHERE revision = $1", [
      revision,
    ]);
    return row?.[0];
  }

  async revisionsSince(
    afterRevision: Revision,
    limit = DEFAULT_EVENT_LIMIT,
    options: FeedOptions = {},
  ): Promise<RevisionEvent[]> {
    checkRevision(afterRevision);
    const sql = this.#db.sql;
    // Every revision up to this head has committed or been lost, whatever commits meanwhile, so
    // the reads after it need no common snapshot (`revisionEvents`).
    const head = await this.#revisions.head(sql);
    notAfter(afterRevision, head);
    const tenants = options.tenants;
    if (tenants !== undefined) {
      if (!Array.isArray(tenants))
        throw inputError("tenants must be a list of tenant names", { field: "tenants" });
      for (const tenant of tenants) checkTenant(tenant, { field: "tenants" });
    }
    return revisionEvents(sql, this.#db.dialect, afterRevision, head, checkLimit(limit, "limit"), options);
  }

  /**
   * The audit record's target is set to the new change (`change:<id>`): the caller cannot know
   * the id before the insert, and the record must name it.
   */
  async createChange(change: NewChange, audit: NewAuditRecord): Promise<ChangeRecord> {
    return this.#db.transaction(async (sql) => {
      await this.#audit.lock(sql, audit);
      const id = await this.#changes.insert(sql, change);
      await this.#audit.append(sql, { ...audit, target: `change:${id}` });
      return this.#changes.require(sql, id);
    });
  }

  async createLifecycleChange(
    change: NewChange,
    lifecycle: NewLifecycleRecord,
    audit: NewAuditRecord,
  ): Promise<{ change: ChangeRecord; lifecycle: LifecycleRecord }> {
    return this.#db.transaction(async (sql) => {
      await this.#audit.lock(sql, audit);
      const id = await this.#changes.insert(sql, change);
      const record = await this.#lifecycle.insert(sql, id, lifecycle);
      await this.#audit.append(sql, { ...audit, target: `change:${id}` });
      return { change: await this.#changes.require(sql, id), lifecycle: record };
    });
  }

  async getLifecycle(changeId: number): Promise<LifecycleRecord | undefined> {
    return this.#lifecycle.get(this.#db.sql, changeId);
  }

  async listLifecycle(
    filter: Parameters<LifecycleStore["listLifecycle"]>[0] = {},
  ): Promise<LifecycleRecord[]> {
    return this.#lifecycle.list(this.#db.sql, filter);
  }

  async readRetention(): Promise<RetentionSetting> {
    return this.#lifecycle.retention(this.#db.sql);
  }

  async writeRetention(days: number, actor: string, audit: NewAuditRecord): Promise<RetentionSetting> {
    return this.#audited(audit, (sql) => this.#lifecycle.setRetention(sql, days, actor));
  }

  async relationshipHistory(
    tenant: string,
    relationships: readonly Relationship[],
  ): Promise<StoredRelationship[]> {
    return this.#db.read((sql) => this.#lifecycle.history(sql, tenant, relationships));
  }

  async purgeRelationships(
    input: PurgeInput,
    audit: NewAuditRecord,
  ): Promise<{ removed: number; revision: Revision; change: ChangeRecord }> {
    const purged = await this.#writing(async (sql) => {
      // The same lock order as an apply (writers, revision counter, then the audit chain's head): no
      // deadlock. The whole store is held: a purge ends other revisions' events.
      await this.#revisions.lockWriter(sql, null);
      await this.#revisions.lock(sql);
      await this.#audit.lock(sql, audit);
      const change = await this.#changes.require(sql, input.changeId);
      if (change.state === "applied")
        throw new GatehouseError(
          "conflict",
          `change ${input.changeId} is applied already; nothing was purged`,
        );
      const removed = await this.#lifecycle.purge(sql, input.tenant, input.relationships);
      // Its snapshot may hold rows deleted after it was taken, whose events go now.
      await this.#snapshots.drop(sql, input.tenant);
      const revision = await this.#revisions.next(sql, input.tenant, "purge", {
        actor: audit.actor,
        reason: audit.reason ?? undefined,
        door: `change ${input.changeId}`,
      });
      await this.#changes.update(sql, input.changeId, { state: "applied", plan: input.plan });
      if (input.scrub) await this.#scrub(sql, input.scrub);
      await this.#audit.append(sql, audit, revision);
      return { removed, revision, change: await this.#changes.require(sql, input.changeId) };
    });
    // Committed: its row is gone, so the file would never be read again; it goes too.
    this.#snapshots.files?.remove(input.tenant);
    return purged;
  }

  async writeIndexSnapshot(
    tenant: string,
    revision: Revision,
    format: number,
    bytes: Uint8Array,
  ): Promise<boolean> {
    const files = this.#snapshots.files;
    const tag = files === undefined ? undefined : SnapshotFiles.newTag();
    const kept = await this.#db.transaction((sql) =>
      this.#snapshots.put(sql, tenant, revision, format, bytes, tag),
    );
    // Once the row is committed: a reader trusts a file only with the tag its row records.
    if (kept && files !== undefined && tag !== undefined) files.write(tenant, revision, tag, bytes);
    return kept;
  }

  readIndexSnapshot(
    tenant: string,
    atMost: Revision,
    options: { readonly file?: boolean } = {},
  ): Promise<StoredIndexSnapshot | undefined> {
    return this.#snapshots.newest(this.#db, tenant, atMost, options.file ?? true);
  }

  listIndexSnapshots(): Promise<IndexSnapshotRecord[]> {
    return this.#snapshots.list(this.#db.unordered);
  }

  async collectExpiredRelationships(expiredBy: string, audit: NewAuditRecord): Promise<number> {
    const cutoff = expirationKey(parseExpiration(expiredBy, { field: "expiredBy" }));
    return this.#db.transaction(async (sql) => {
      await this.#audit.lock(sql, audit);
      const removed = await collectExpired(sql, cutoff);
      // The count is known only now, and the record must say it. A collection that found
      // nothing leaves no record: the server runs one every hour on every node.
      if (removed === 0) return 0;
      const details = { ...(audit.details as Record<string, unknown> | null), expiredBy, removed };
      await this.#audit.append(sql, { ...audit, details });
      return removed;
    });
  }

  /** A purge's rewrites of the records that named what it removes (see `PurgeScrub`). */
  async #scrub(sql: Sql, scrub: PurgeScrub): Promise<void> {
    for (const c of scrub.changes) {
      await this.#changes.rewrite(sql, c.id, c);
      for (const a of c.comments)
        await sql.run(
          "UPDATE approvals SET comment = $1 WHERE change_id = $2 AND principal = $3 AND plan = $4",
          [a.comment, c.id, a.principal, a.plan],
        );
    }
    for (const l of scrub.lifecycle)
      await sql.run("UPDATE lifecycle_changes SET target = $1, details = $2 WHERE change_id = $3", [
        l.target,
        jsonText(l.details, "details"),
        l.changeId,
      ]);
    for (const r of scrub.revisions)
      await sql.run("UPDATE revisions SET reason = $1 WHERE revision = $2", [r.reason, r.revision]);
  }

  async getChange(id: number): Promise<ChangeRecord | undefined> {
    return this.#changes.get(this.#db.sql, id);
  }

  async listChanges(
    filter: { tenant?: string; state?: ChangeState; limit?: number } = {},
  ): Promise<ChangeRecord[]> {
    return this.#changes.list(this.#db.sql, filter);
  }

  async listChangeSummaries(filter: ChangeSummaryFilter = {}): Promise<ChangeSummary[]> {
    return this.#changes.listSummaries(this.#db.sql, filter);
  }

  async updateChange(id: number, update: ChangeUpdate, audit: NewAuditRecord): Promise<ChangeRecord> {
    return this.#audited(audit, async (sql) => {
      await this.#changes.update(sql, id, update);
      return this.#changes.require(sql, id);
    });
  }

  async addApproval(
    id: number,
    principal: string,
    comment: string | null,
    audit: NewAuditRecord,
    plan: string | null = null,
  ): Promise<ChangeRecord> {
    return this.#audited(audit, async (sql) => {
      await this.#changes.approve(sql, id, principal, comment, plan);
      return this.#changes.require(sql, id);
    });
  }

  async applyChange(input: ApplyInput): Promise<ApplyResult> {
    const result = await applyChange(
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
    this.#sawWrite(result.revision);
    return result;
  }

  async writeGuards(text: string, author: string, audit: NewAuditRecord): Promise<GuardsVersion> {
    return this.#audited(audit, (sql) => this.#guards.insert(sql, text, author));
  }

  async readGuards(): Promise<GuardsVersion | undefined> {
    return this.#guards.latest(this.#db.sql);
  }

  async appendAudit(record: NewAuditRecord): Promise<AuditRecord> {
    return this.#db.transaction((sql) => this.#audit.append(sql, record));
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return this.#audit.list(this.#db.sql, filter);
  }

  async verifyAudit(): Promise<AuditVerification> {
    return this.#db.read((sql) => this.#audit.verify(sql));
  }

  async createToken(
    token: { name: string; role: Role; tenants: readonly string[] | null; secretHash: string },
    audit: NewAuditRecord,
  ): Promise<TokenRecord> {
    return this.#audited(audit, (sql) => this.#tokens.insert(sql, token));
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.#tokens.list(this.#db.sql);
  }

  async revokeToken(name: string, audit: NewAuditRecord): Promise<TokenRecord> {
    return this.#audited(audit, (sql) => this.#tokens.revoke(sql, name));
  }

  /**
   * Need not wait for a write in progress (`Database.unordered`): every request's token, once its
   * cache expires, would otherwise wait for a whole import.
   */
  async findToken(secretHash: string): Promise<TokenRecord | undefined> {
    return this.#tokens.findLive(this.#db.unordered, secretHash);
  }

  async tokenRevocations(): Promise<number> {
    return this.#tokens.revocations(this.#db.sql);
  }

  async beatNode(node: NodeBeat): Promise<NodeRecord> {
    return this.#nodes.beat(this.#db.sql, node);
  }

  async listNodes(): Promise<NodeRecord[]> {
    return this.#nodes.list(this.#db.unordered);
  }

  async removeNode(id: string): Promise<void> {
    await this.#nodes.remove(this.#db.sql, id);
  }

  async removeDeadNode(id: string, beat: number): Promise<boolean> {
    return this.#nodes.removeDead(this.#db.sql, id, beat);
  }

  async clusterSecret(): Promise<string> {
    return this.#nodes.secret(this.#db.sql);
  }

  async startRollout(rollout: NewRollout, audit: NewAuditRecord): Promise<RolloutRecord> {
    return this.#db.transaction(async (sql) => {
      await this.#audit.lock(sql, audit);
      const record = await this.#rollouts.insert(sql, rollout);
      await this.#audit.append(sql, { ...audit, target: `rollout:${record.id}` });
      return record;
    });
  }

  async latestRollout(): Promise<RolloutRecord | undefined> {
    return this.#rollouts.latest(this.#db.sql);
  }

  async updateRollout(
    id: number,
    expectedVersion: number,
    update: RolloutUpdate,
    audit: NewAuditRecord,
  ): Promise<RolloutRecord> {
    return this.#audited(audit, (sql) => this.#rollouts.update(sql, id, expectedVersion, update));
  }

  async startShadow(
    input: { changeId: number; schema: string; actor: string },
    audit: NewAuditRecord,
  ): Promise<ShadowSession> {
    return this.#audited(audit, (sql) => this.#shadow.start(sql, input.changeId, input.schema, input.actor));
  }

  async stopShadow(actor: string, audit: NewAuditRecord): Promise<ShadowSession> {
    return this.#audited(audit, (sql) => this.#shadow.stop(sql, actor));
  }

  async runningShadow(): Promise<ShadowSession | undefined> {
    return this.#shadow.running(this.#db.sql);
  }

  async getShadow(id?: number): Promise<ShadowSession | undefined> {
    return this.#shadow.get(this.#db.sql, id);
  }

  async addShadowTally(sessionId: number, tally: ShadowTally): Promise<void> {
    await this.#db.transaction((sql) => this.#shadow.addTally(sql, sessionId, tally));
  }

  /** In one transaction, so the session's totals and its rows are of one moment. */
  async readShadow(sessionId: number): Promise<ShadowObservations> {
    return this.#db.read((sql) => this.#shadow.read(sql, sessionId));
  }

  async appendDecisions(records: readonly NewDecision[]): Promise<number> {
    return this.#db.transaction((sql) => this.#decisions.append(sql, records));
  }

  async appendDecisionPages(
    drafts: readonly DecisionPageDraft[],
    extras: DecisionLogExtras = {},
  ): Promise<number> {
    return this.#db.transaction(async (sql) => {
      const count = await this.#decisions.appendPages(sql, drafts);
      for (const loss of extras.losses ?? []) await this.#losses.record(sql, loss);
      if (extras.tally) await this.#losses.saveTally(sql, extras.tally);
      return count;
    });
  }

  async listDecisions(filter: DecisionFilter = {}): Promise<DecisionRecord[]> {
    return this.#decisions.list(this.#db.sql, filter);
  }

  async purgeDecisions(olderThan: string): Promise<number> {
    return this.#db.transaction(async (sql) => {
      const purged = await this.#decisions.purge(sql, olderThan);
      await this.#losses.purge(sql, olderThan);
      return purged;
    });
  }

  async recordDecisionLoss(loss: DecisionLoss): Promise<void> {
    await this.#losses.record(this.#db.sql, loss);
  }

  async listDecisionLosses(
    window: { since?: string | undefined; until?: string | undefined } = {},
  ): Promise<DecisionLoss[]> {
    return this.#losses.list(this.#db.sql, window);
  }

  async saveDecisionTally(tally: DecisionTally): Promise<void> {
    await this.#losses.saveTally(this.#db.sql, tally);
  }

  async readDecisionTallies(): Promise<DecisionTally[]> {
    return this.#losses.tallies(this.#db.sql);
  }

  async reapDecisionTallies(staleBefore: string): Promise<DecisionLoss[]> {
    return this.#db.transaction((sql) => this.#losses.reap(sql, staleBefore));
  }

  /**
   * A poll of the head every `watchPollMs` (another process's commit to a SQLite file is only
   * visible by reading it), beside LISTEN/NOTIFY where the database has it. A listener is told of heads
   * after the newest this store had seen when it started watching: a follower that catches up
   * with `revisionsSince` on every call misses nothing, and at worst looks once for nothing.
   */
  watch(listener: (head: Revision) => void): () => void {
    return this.#watch.add(listener, this.#knownHead);
  }

  async close(): Promise<void> {
    this.#watch.close();
    this.#listener?.stop();
    await this.#db.close();
  }

  /** A write transaction that takes a revision (`Revisions.writing`). */
  #writing<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#revisions.writing(this.#db, body);
  }

  /** A write's revision is a head only where revisions commit in order (SQLite). */
  #sawWrite(revision: Revision): void {
    if (!this.#revisions.outOfOrder) this.#saw(revision);
  }

  /**
   * Runs `act` and appends its audit record in one transaction, its audit chain's head locked first
   * (the lock order every audited act keeps: see `AuditLog`).
   */
  #audited<T>(audit: NewAuditRecord, act: (sql: Sql) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (sql) => {
      await this.#audit.lock(sql, audit);
      const result = await act(sql);
      await this.#audit.append(sql, audit);
      return result;
    });
  }

  #saw(head: Revision): Revision {
    if (head > this.#knownHead) this.#knownHead = head;
    return head;
  }
}
