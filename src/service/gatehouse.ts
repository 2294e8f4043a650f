import type { ChangeContext } from "../changes/change-context.js";
import type { DirectWriteInput } from "../changes/direct-writes.js";
import type { ExpiringAccess } from "../changes/expiry-forecast.js";
import type { IncidentReport, IncidentSelector } from "../changes/incident-report.js";
import type { Changes } from "../changes/lifecycle.js";
import type { SubjectLifecycle } from "../changes/subject-lifecycle.js";
import { type CheckRequest, Engine, TenantIndex } from "../engine/engine.js";
import type { ExplainNode } from "../engine/explain.js";
import { withinBatchBudget } from "../engine/limits.js";
import type { FoundObject, FoundResource, FoundSubject } from "../engine/lookup.js";
import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import { formatSubject, type ObjectRef, type Relationship, type SubjectRef } from "../model/relationship.js";
import { OneAtATime, Slices } from "../model/turns.js";
import type { ReplayReport } from "../rollout/replay.js";
import { Rollouts, type SchemaAnswer } from "../rollout/rollouts.js";
import { Shadow } from "../rollout/shadow.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
import type { CompiledSchema, MemberDef } from "../schema/compiled.js";
import { parseSchema } from "../schema/schema.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import type {
  AuditRecord,
  ChangeRecord,
  ChangeState,
  ChangeSummary,
  ChangeSummaryFilter,
  GuardsVersion,
} from "../store/change-records.js";
import { toRelationship, tupleOf } from "../store/common/tuples.js";
import type { WritePrecondition } from "../store/common/write-preconditions.js";
import { checkWritePreconditions } from "../store/common/write-preconditions.js";
import type { DecisionFilter, DecisionLoss, DecisionRecord } from "../store/decision-records.js";
import { openStore, removeSqliteStore } from "../store/open-store.js";
import type {
  FeedOptions,
  ImportWriteResult,
  RelationshipFilter,
  RelationshipUpdate,
  Revision,
  RevisionEvent,
  RevisionFilter,
  RevisionRecord,
  SchemaVersion,
  Store,
  StoredRelationship,
  WriteResult,
} from "../store/store.js";
import { TimedStore } from "../store/timed-store.js";
import { Audit } from "./audit.js";
import { DecisionLog, type DecisionLogOptions, decisionLogSettings } from "./decision-log.js";
import {
  IndexSnapshotKeeper,
  type IndexSnapshotOptions,
  snapshotDue,
  type WrittenSnapshot,
} from "./index-snapshots.js";
import type { TextSource } from "./line-chunks.js";
import { loadedAtFirstCall } from "./loaded-at-first-call.js";
import {
  type Cursor,
  decodeCursor,
  encodeCursor,
  PageCache,
  type PageKind,
  type PageOptions,
  pageLimit,
  queryDigest,
  startAfter,
} from "./pages.js";
import { RelationshipImport } from "./relationship-import.js";
import { Tokens } from "./tokens.js";
import { parseCheckLines } from "./tuple-lines.js";
import { explainWriteConflicts } from "./write-conflicts.js";

/*
 * The change machinery is loaded by the operations that use it, not with the Gatehouse: plans,
 * guards, deletions, purges, schema writes, expiry forecasts, incident reports and replays are
 * 35 modules (about 15 ms of CPU, a tenth of a cold `gatehouse permission check` on a small
 * store) that a check never calls. `changes` and `lifecycle` stand in for their objects until a
 * method of theirs is called (see `loadedAtFirstCall`).
 */
const changeLifecycle = () => import("../changes/lifecycle.js");
const subjectLifecycle = () => import("../changes/subject-lifecycle.js");
const directWrites = () => import("../changes/direct-writes.js");
const guardFiles = () => import("../changes/guards.js");
const schemaWrites = () => import("../changes/schema-write.js");
const orphans = () => import("../changes/orphans.js");
const expiryForecast = () => import("../changes/expiry-forecast.js");
const incidentReports = () => import("../changes/incident-report.js");
const rolloutIncidentReports = () => import("../rollout/rollout-incident.js");
const replays = () => import("../rollout/replay.js");
const durations = () => import("../rollout/duration.js");

export interface GatehouseOptions {
  /** The clock, for tests; defaults to the system clock. */
  readonly now?: () => Date;
  /** How many object hops one check may take before it fails with a depth error. */
  readonly maxDepth?: number;
  /** How often a rollout started, promoted or rolled back elsewhere is picked up (ms; 0: only at open). */
  readonly rolloutPollMs?: number;
  /** Recording of answered checks (default: every check, kept 30 days); `{ sample: "off" }` for none. */
  readonly decisionLog?: DecisionLogOptions;
  /** The store stamps its records with `now` too (a fixed clock, `GATEHOUSE_NOW`). */
  readonly clockInStore?: boolean;
  /**
   * The principal that approves a schema write held back only for want of a second person
   * (access lost or widened, no guard failed). Set by `serve --testing` alone: a client test
   * suite has no second person, and SpiceDB's test server applies such a schema. The write is
   * still planned, approved under this name in the audit trail, and can be reverted.
   */
  readonly schemaSecondPerson?: string;
  /** Loading tenants from index snapshots, and writing them in the background (`serve`). */
  readonly indexSnapshots?: IndexSnapshotOptions;
}

export interface ConsistencyOptions {
  /** Answer at this revision or a newer one (read-your-writes across processes and nodes). */
  readonly atLeastRevision?: Revision | undefined;
}

export interface ActorOptions {
  readonly actor?: string | undefined;
  readonly reason?: string | undefined;
}

/** A schema version that went live, and the change it went through (none on an empty store). */
export type SchemaWriteResult = SchemaVersion & {
  readonly warnings: readonly string[];
  /** The `model` change the write was planned and applied as; `null` when the store held no relationships. */
  readonly change: number | null;
  /** Accesses its plan gained (what new permissions grant) and lost (always 0 when applied here). */
  readonly gained: number;
  readonly lost: number;
};

export interface CheckResult {
  readonly allowed: boolean;
  /**
   * Present when the subject has the permission only under a caveat whose context the request
   * did not give: the missing context parameters (SpiceDB's CONDITIONAL_PERMISSION).
   */
  readonly conditional?: readonly string[];
  /** The revision the answer was computed at. */
  readonly revision: Revision;
  /** The schema that answered: the active version, or a rollout's candidate for rolled-out tenants. */
  readonly schema: SchemaAnswer;
}

/**
 * Sees every check answered through this Gatehouse (single and batched), after the answer is
 * known. The decision log and shadow evaluation are observers. `observe` runs on the hot path:
 * it must be cheap and must never throw into the caller (queue work, do it later).
 */
export interface CheckObserver {
  /**
   * `rolledOut`: the tenant is in a staged rollout, so a rollout's candidate schema gave the
   * answer rather than the active one. `schema`: which schema answered (the active version, or
   * the candidate's change); one object per version and per rollout, never made per check.
   */
  observe(
    tenant: string,
    request: CheckRequest,
    allowed: boolean,
    revision: Revision,
    rolledOut: boolean,
    schema: SchemaAnswer,
  ): void;
}

/** One page of a lookup or a relationship read; `cursor` continues it (null: this was the last page). */
export interface Page {
  /** The revision every page of this read is answered at: the first page's. */
  readonly revision: Revision;
  readonly cursor: string | null;
}

/** Who makes a direct write and through which door, recorded with its revision. */
export interface DirectWriteOptions extends ActorOptions {
  /** `cli`, `http`, `library` (the default), `spicedb`: the caller says which door it is. */
  readonly door?: string | undefined;
  /** The request that made the write (an HTTP request id). */
  readonly requestId?: string | undefined;
  /** For a write that deletes what a filter selected: the filter, for the suggested change file. */
  readonly filter?: RelationshipFilter | undefined;
  /** Looked at inside the write's transaction; one that does not hold refuses the write (store.ts). */
  readonly preconditions?: readonly WritePrecondition[] | undefined;
}

/** The most relationships one bulk delete reads; past it, a change with `delete_where` is the way. */
const MAX_BULK_DELETE = 100_000;

export interface ImportOptions extends DirectWriteOptions {
  /** The file name, for error places. */
  readonly file?: string | undefined;
  /** Called as batches are written, with how many relationships have been read so far. */
  readonly onProgress?: ((done: number) => void) | undefined;
  /**
   * Write the tenant's index snapshot once the import is in (default: when snapshots are not
   * written in the background anyway, and the import created at most 2M relationships or the
   * tenant is loaded already): the next process loads the imported data from it.
   */
  readonly snapshot?: boolean | undefined;
  /** Refuse the import, nothing written, when a relationship in it is live already (the SpiceDB door). */
  readonly refuseLive?: boolean | undefined;
}

/**
 * The most relationships an import keeps to update a loaded index in place; past it, the index
 * is dropped and loaded again when next needed (about as fast, and memory stays bounded).
 */
const INDEX_FOLLOWS_UP_TO = 200_000;

/**
 * How long a read asked for at least a committed revision waits for the lower revisions still
 * being written (PostgreSQL), and how often it looks meanwhile: a write's transaction
 * lasts milliseconds, an import's move of its rows seconds.
 */
const SETTLE_WAIT_MS = 30_000;
const SETTLE_POLL_MS = 20;

/** The most relationships an import writes a tenant's index snapshot after by default. */
const SNAPSHOT_AFTER_IMPORT_UP_TO = 2_000_000;

/** A lookup page's answer before paging: the engine's sorted list and how to key its items. */
type LookupItem = FoundResource | FoundSubject;

/** A lookup's options: consistency, paging, and the caveat context its checks are made under. */
export type LookupQueryOptions = ConsistencyOptions &
  PageOptions & {
    /** Values for caveat parameters (a relationship's own context wins, as in checks). */
    readonly context?: CaveatContext | undefined;
  };

/** The context's part of a lookup's query key: none without one, so plain cursors stay as they were. */
function contextPart(context: CaveatContext | undefined): unknown[] {
  return context !== undefined && Object.keys(context).length > 0 ? [context] : [];
}

/**
 * The query key of a resources lookup, which its cursors carry: the SpiceDB door builds a cursor
 * after any item with it, not only after a page's last.
 */
export function lookupResourcesQuery(
  tenant: string,
  resourceType: string,
  permission: string,
  subject: SubjectRef,
  context?: CaveatContext,
): string {
  return queryDigest([tenant, resourceType, permission, formatSubject(subject), ...contextPart(context)]);
}

/**
 * Gatehouse's operations, independent of any transport: the library API, the CLI and (later)
 * the HTTP API all call these. It owns the store and the in-memory engine and keeps the engine
 * at a known store revision: every answer says which.
 */
export class Gatehouse {
  readonly store: Store;
  readonly engine: Engine;
  /** Every loaded tenant's index reflects the store exactly at this revision. */
  private appliedRevision: Revision = 0;
  /** Times the store's operations for whoever listens (the server's metrics). */
  readonly storeTimings: TimedStore;
  private schemaVersion: SchemaVersion | undefined;
  /** Propose, plan, approve, apply, revert and restore changes; guards. */
  readonly changes: Changes;
  /** Soft delete, restore, merge and purge of subjects and tenants; the retention window. */
  readonly lifecycle: SubjectLifecycle;
  readonly now: () => Date;
  private observers: readonly CheckObserver[] = [];
  /** Staged rollouts: which tenants a candidate schema answers, and its deny-rate monitors. */
  readonly rollouts: Rollouts;
  private activeAnswer: SchemaAnswer = { version: 0 };
  /** Shadow evaluation: a candidate schema evaluated beside the active one on every check. */
  readonly shadow: Shadow;
  /** Records answered checks off the check path; absent when the log is off. */
  readonly decisionLog: DecisionLog | undefined;
  /** API tokens: create, list, revoke, and find by secret. */
  readonly tokens: Tokens;
  /** The audit log: read, verify, and the refusals the server records. */
  readonly audit: Audit;
  /** Tenants' index snapshots: loads start from them (see `loadTenant`). */
  readonly snapshots: IndexSnapshotKeeper;
  private snapshotTimer: NodeJS.Timeout | undefined;

  /** The depth limit of checks, which reports that evaluate on private engines keep too. */
  private readonly maxDepth: number | undefined;

  /** The revision this process opened at: what changed before it is not in `changedAt`. */
  private openedAt: Revision = 0;
  /**
   * The last revision that changed each tenant's relationships, as this process applied them,
   * so that a later page of a lookup knows whether the live index still answers as at the
   * first page's revision.
   */
  private readonly changedAt = new Map<string, Revision>();
  /** Lookups compute one at a time, a turn of the event loop apart (see `OneAtATime`). */
  private readonly lookupTurns = new OneAtATime();
  /** Whole lookup answers kept for their later pages. */
  private readonly lookupPages = new PageCache<LookupItem>();
  /** See `GatehouseOptions.schemaSecondPerson`. */
  private readonly schemaSecondPerson: string | undefined;

  private constructor(inner: Store, options: GatehouseOptions) {
    this.storeTimings = new TimedStore(inner);
    const store = this.storeTimings.store;
    this.store = store;
    this.schemaSecondPerson = options.schemaSecondPerson;
    this.tokens = new Tokens(store);
    this.audit = new Audit(store);
    this.maxDepth = options.maxDepth;
    this.engine = new Engine(undefined, {
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
      // Expiring relationships are judged by the Gatehouse's clock (`GATEHOUSE_NOW` in the CLI).
      now: () => this.now().getTime(),
    });
    this.now = options.now ?? (() => new Date());
    this.snapshots = new IndexSnapshotKeeper(store, this.now, options.indexSnapshots);
    this.shadow = new Shadow(store, this.engine);
    this.addCheckObserver(this.shadow);
    const context: ChangeContext = {
      store,
      engine: this.engine,
      now: this.now,
      ready: async (tenants) => {
        await this.catchUp();
        for (const tenant of new Set(tenants)) await this.ready(tenant);
        return this.appliedRevision;
      },
      applied: async (tenant, result) => {
        await this.afterWrite(result.revision, () => {
          if (result.schemaVersion) {
            this.schemaVersion = result.schemaVersion;
            this.engine.setSchema(parseSchema(result.schemaVersion.text).compiled);
          }
          this.engine.loadedIndex(tenant)?.apply(result.created, result.deleted);
          this.changedAt.set(tenant, result.revision);
        });
        if (result.schemaVersion) await this.rollouts.changeApplied(result.change.id, result.revision);
      },
    };
    this.changes = loadedAtFirstCall(async () => new (await changeLifecycle()).Changes(context));
    this.lifecycle = loadedAtFirstCall(async () => new (await subjectLifecycle()).SubjectLifecycle(context));
    this.rollouts = new Rollouts({ store, engine: this.engine, changes: this.changes, now: this.now });
    if (decisionLogSettings(options.decisionLog).sample > 0) {
      const clock = options.now ? () => this.now().getTime() : Date.now;
      this.decisionLog = new DecisionLog(store, options.decisionLog, clock);
      this.addCheckObserver(this.decisionLog);
    }
  }

  /** Removes a SQLite file store with its `-wal`, `-shm` and snapshot files (`demo --reset`). */
  static async removeSqliteStore(path: string): Promise<void> {
    await removeSqliteStore(path);
  }

  /** Opens a store (a SQLite file path, or `:memory:`) and loads its schema. */
  static async open(location: string, options: GatehouseOptions = {}): Promise<Gatehouse> {
    decisionLogSettings(options.decisionLog); // bad options are refused before the store is opened
    return Gatehouse.withStore(
      await openStore(location, options.clockInStore && options.now ? { now: options.now } : {}),
      options,
    );
  }

  static async withStore(store: Store, options: GatehouseOptions = {}): Promise<Gatehouse> {
    const gatehouse = new Gatehouse(store, options);
    gatehouse.appliedRevision = await store.headRevision();
    gatehouse.openedAt = gatehouse.appliedRevision;
    await gatehouse.loadSchemaAt(gatehouse.appliedRevision);
    await gatehouse.rollouts.refresh();
    const pollMs = options.rolloutPollMs ?? 500;
    if (pollMs > 0) gatehouse.rollouts.follow(pollMs);
    await gatehouse.shadow.open();
    // What processes that were killed left unwritten is counted now, not only ten seconds on.
    await gatehouse.decisionLog?.reap().catch(() => undefined);
    const background = options.indexSnapshots?.background;
    if (background) gatehouse.writeSnapshotsEvery(background.everyMs);
    return gatehouse;
  }

  get revision(): Revision {
    return this.appliedRevision;
  }

  /** The store's newest revision, which may be ahead of `revision` (written by another process). */
  headRevision(): Promise<Revision> {
    return this.store.headRevision();
  }

  /**
   * What the store's revisions after `afterRevision` did, oldest first, at most `limit` of them:
   * the change feed a follower (a Watch stream, an exact-snapshot check) reads.
   */
  revisionsSince(afterRevision: Revision, limit?: number, options?: FeedOptions): Promise<RevisionEvent[]> {
    return this.store.revisionsSince(afterRevision, limit, options);
  }

  /** Calls `onRevision` when another process or node writes; returns the function that stops it. */
  followStore(onRevision: () => void): () => void {
    return this.store.watch(onRevision);
  }

  /**
   * How far this process's indexes are behind the store: in revisions, and in seconds since the
   * oldest revision not applied yet was written (0 when none is pending).
   */
  async followerLag(): Promise<{ revisions: number; seconds: number }> {
    const applied = this.appliedRevision;
    const head = await this.store.headRevision();
    if (head <= applied) return { revisions: 0, seconds: 0 };
    const oldest = await this.store.getRevision(applied + 1);
    const seconds = oldest ? Math.max(0, (this.now().getTime() - Date.parse(oldest.createdAt)) / 1000) : 0;
    return { revisions: head - applied, seconds };
  }

  /** Changes, newest first: one tenant's, in one state, or all. */
  listChanges(
    filter: { tenant?: string; state?: ChangeState; limit?: number } = {},
  ): Promise<ChangeRecord[]> {
    return this.store.listChanges(filter);
  }

  /** `listChanges` as lists show it: summaries, without reading plans (which can be large). */
  listChangeSummaries(filter: ChangeSummaryFilter = {}): Promise<ChangeSummary[]> {
    return this.store.listChangeSummaries(filter);
  }

  /**
   * The expiry forecast: who will lose which access in the next `within` (`7d`), because
   * relationships expire (src/changes/expiry-forecast.ts), in one tenant or in every tenant.
   */
  async expiringAccess(options: { within: string; tenant?: string | undefined }): Promise<{
    from: string;
    until: string;
    expiring: ExpiringAccess[];
  }> {
    const { parseDuration } = await durations();
    const { forecastExpiry } = await expiryForecast();
    const withinMs = parseDuration(options.within, "within");
    if (options.tenant !== undefined) checkTenant(options.tenant, { field: "tenant" });
    const schema = this.engine.requireSchema();
    const from = this.now().getTime();
    const until = from + withinMs;
    const expiring: ExpiringAccess[] = [];
    for (const tenant of options.tenant !== undefined ? [options.tenant] : await this.tenants()) {
      await this.ready(tenant);
      const ending = await this.store.expiringRelationships(
        tenant,
        new Date(from).toISOString(),
        new Date(until).toISOString(),
      );
      if (ending.length > 0)
        expiring.push(...forecastExpiry(tenant, this.engine.tenant(tenant).data, schema, ending));
    }
    return { from: new Date(from).toISOString(), until: new Date(until).toISOString(), expiring };
  }

  /** Tenants that have ever had a relationship written, by name. */
  async tenants(): Promise<string[]> {
    return (await this.store.tenants()).sort();
  }

  /** The tenant a change is filed under; undefined when there is no such change. */
  async changeTenant(id: number): Promise<string | undefined> {
    return (await this.store.getChange(id))?.tenant;
  }

  /**
   * A change and its whole history, oldest first: the audit records of its proposal, plans,
   * approvals, apply and revert (all recorded with target `change:<id>`).
   */
  async changeWithHistory(id: number): Promise<{ change: ChangeRecord; history: AuditRecord[] }> {
    const change = await this.changes.get(id);
    return { change, history: await this.audit.list({ target: `change:${change.id}` }) };
  }

  /** The guards version in force; undefined when none was written (the defaults hold). */
  readGuards(): Promise<GuardsVersion | undefined> {
    return this.store.readGuards();
  }

  async close(): Promise<void> {
    clearInterval(this.snapshotTimer);
    this.rollouts.stop();
    await this.shadow.close();
    // Checks answered so far are written before the store goes (a CLI check is recorded too).
    await this.decisionLog?.close();
    await this.store.close();
  }

  private async loadSchemaAt(revision: Revision): Promise<void> {
    const version = await this.store.readSchema(revision);
    this.schemaVersion = version;
    this.engine.setSchema(version ? parseSchema(version.text).compiled : undefined);
  }

  /** The catch-up passes queued so far: one runs at a time, each to the head it finds. */
  private catching: Promise<void> = Promise.resolve();
  /** Tenants whose index is being loaded, so that concurrent requests share one load. */
  private readonly loading = new Map<string, Promise<void>>();

  /**
   * Moves the loaded indexes forward to the store's head, replaying what other processes (and
   * other nodes) wrote. Passes are serialised, and every event is applied at most once: a write
   * of our own that `afterWrite` already applied is skipped here.
   */
  catchUp(): Promise<void> {
    const pass = this.catching.then(() => this.catchUpPass());
    this.catching = pass.catch(() => undefined);
    return pass;
  }

  /**
   * The feed is asked for the loaded tenants' relationships only: the others' revisions come as
   * markers, which move `appliedRevision` on without reading their rows.
   */
  private async catchUpPass(): Promise<void> {
    for (;;) {
      const events = await this.store.revisionsSince(this.appliedRevision, 10_000, {
        tenants: this.engine.loadedTenants(),
      });
      if (events.length === 0) return;
      for (const event of events) {
        if (event.revision <= this.appliedRevision) continue;
        const schema = event.schemaVersion !== null ? await this.store.readSchema(event.revision) : undefined;
        // Between the await above and here an own write may have been applied already.
        if (event.revision <= this.appliedRevision) continue;
        if (event.revision !== this.appliedRevision + 1) break;
        // A tenant loaded since the feed was read (`loadTenant` replayed it up to the applied
        // revision, not beyond): its marker has no rows to apply, so the rest is read again.
        if (event.unread && this.engine.hasTenant(event.tenant)) break;
        if (event.skipped) {
          this.appliedRevision = event.revision;
          continue;
        }
        if (schema) {
          this.schemaVersion = schema;
          this.engine.setSchema(parseSchema(schema.text).compiled);
        }
        // A purge removed rows whose events this index may not have seen yet (it was behind
        // their deletion): it is dropped and loaded again, from the store, when next needed.
        if (event.purged) this.engine.dropTenant(event.tenant);
        else this.engine.loadedIndex(event.tenant)?.apply(event.created, event.deleted);
        this.changedAt.set(event.tenant, event.revision);
        this.appliedRevision = event.revision;
      }
    }
  }

  /**
   * Loads a tenant's index now, as its first request would (a cluster node taking over the
   * tenants of one that stopped, before they are asked for).
   */
  async loadTenantIndex(tenant: string): Promise<void> {
    await this.ready(tenant);
  }

  /** Ensures a tenant's index is loaded and at least at `atLeast`. */
  private async ready(tenant: string, consistency: ConsistencyOptions = {}): Promise<void> {
    checkTenant(tenant);
    const wanted = consistency.atLeastRevision;
    if (wanted !== undefined && wanted > this.appliedRevision) {
      // The store is the source of truth for every node, so one catch-up reaches any revision
      // that has been committed anywhere; a newer one does not exist.
      await this.catchUp();
      // Committed, and not readable yet: a lower revision of another tenant is still being
      // written (PostgreSQL, `revisions.ts`). It is waited for, as its commit is.
      if (wanted > this.appliedRevision && (await this.store.revisionTime(wanted)) !== undefined)
        await this.untilApplied(wanted);
      if (wanted > this.appliedRevision) {
        throw new GatehouseError(
          "not_found",
          `revision ${wanted} does not exist yet; the newest is ${this.appliedRevision}`,
          { field: "atLeastRevision" },
        );
      }
    }
    if (!this.engine.hasTenant(tenant)) {
      let load = this.loading.get(tenant);
      if (!load) {
        load = this.loadTenant(tenant).finally(() => this.loading.delete(tenant));
        this.loading.set(tenant, load);
      }
      await load;
    }
  }

  /**
   * Builds a tenant's index, from its newest snapshot or else from the store's rows, then replays
   * what was applied to the other indexes meanwhile, and only then makes it visible: a
   * half-loaded index must never take part in answers or receive live updates.
   */
  private async loadTenant(tenant: string): Promise<void> {
    await this.catchUp();
    const index = (await this.indexFromSnapshot(tenant)) ?? (await this.indexFromRows(tenant));
    this.engine.registerTenant(index);
  }

  /** The tenant's index from its newest snapshot, caught up; undefined when none can be used. */
  private async indexFromSnapshot(tenant: string): Promise<TenantIndex | undefined> {
    const restored = await this.snapshots.restore(tenant, this.appliedRevision);
    if (restored === undefined) return undefined;
    const index = new TenantIndex(tenant, restored.data);
    if (await this.replayInto(index, restored.revision)) return index;
    this.snapshots.ignored(tenant, restored.revision, "a purge since removed events it would replay");
    return undefined;
  }

  private async indexFromRows(tenant: string): Promise<TenantIndex> {
    for (;;) {
      const index = new TenantIndex(tenant);
      const at = this.appliedRevision;
      for await (const batch of this.store.scanTenant(tenant, at)) index.apply(batch, []);
      // A purge during the scan may have removed rows deleted after `at`: scan again.
      if (!(await this.replayInto(index, at))) continue;
      // Not frozen into typed arrays here: freezing costs a one-shot command (a CLI check) ~20%
      // more CPU and a higher peak (the lists and the arrays exist together for a moment) for
      // memory it would give back only after it exits. A serving process freezes it anyway
      // within seconds, when its background writer writes the tenant's first snapshot
      // (`parts()` freezes), and a load from a snapshot is frozen from the start.
      // No snapshot holds any of it yet.
      index.changedSinceSnapshot = index.data.size;
      return index;
    }
  }

  /**
   * Applies the tenant's revisions after `from` up to the applied revision to `index`; false
   * when one of them purged the tenant (its rows are gone, and with them the events to replay).
   */
  private async replayInto(index: TenantIndex, from: Revision): Promise<boolean> {
    let at = from;
    while (at < this.appliedRevision) {
      const events = await this.store.revisionsSince(at, 10_000, { tenants: [index.name] });
      if (events.length === 0) break;
      for (const event of events) {
        if (event.revision > this.appliedRevision) break;
        if (event.tenant === index.name) {
          if (event.purged) return false;
          index.apply(event.created, event.deleted);
        }
        at = event.revision;
      }
    }
    return true;
  }

  /** The stored index snapshots, one a tenant: revision, size, format, when written. */
  listIndexSnapshots(): ReturnType<Store["listIndexSnapshots"]> {
    return this.store.listIndexSnapshots();
  }

  /**
   * Writes a snapshot of the tenant's index as of the applied revision, loading the index first
   * if needed: later loads (other processes, other nodes) start from it.
   */
  async writeIndexSnapshot(tenant: string): Promise<WrittenSnapshot> {
    for (;;) {
      await this.ready(tenant);
      // The index and the revision it reflects, read in one turn: no write comes between them.
      // (A purge applied meanwhile drops the index: it is loaded again.)
      const index = this.engine.loadedIndex(tenant);
      if (index !== undefined) return this.snapshots.write(index, this.appliedRevision);
    }
  }

  /** Every few seconds, a snapshot of each loaded tenant changed enough since its last (`snapshotDue`). */
  private writeSnapshotsEvery(everyMs: number): void {
    let writing = false;
    this.snapshotTimer = setInterval(() => {
      if (writing) return;
      writing = true;
      void (async () => {
        for (const tenant of this.engine.loadedTenants()) {
          const index = this.engine.loadedIndex(tenant);
          if (index !== undefined && snapshotDue(index))
            await this.snapshots.write(index, this.appliedRevision);
        }
      })()
        .catch((error: unknown) => this.snapshots.failed(error))
        .finally(() => {
          writing = false;
        });
    }, everyMs);
    this.snapshotTimer.unref();
  }

  private schema(): CompiledSchema {
    return this.engine.requireSchema();
  }

  /** The active schema's answer tag, one object per version so that a check allocates none. */
  private activeSchemaAnswer(): SchemaAnswer {
    const version = this.schemaVersion?.version ?? 0;
    if ((this.activeAnswer as { version?: number }).version !== version) this.activeAnswer = { version };
    return this.activeAnswer;
  }

  // ---- schema -------------------------------------------------------------------------------

  /**
   * Writes a new schema version. Refused, with every reason, when the schema is invalid or when
   * live relationships (in any tenant) would no longer fit it, as SpiceDB refuses it; nothing is
   * written then.
   *
   * On a store that holds relationships the write is a planned `model` change (see
   * `planSchemaWrite`): it goes live here only when its plan takes no access away and every
   * guard passes. Otherwise nothing goes live and a `refused` error names the change proposed
   * (`facts.change`) with the plan's counts and summary; another person approves it and it is
   * applied as any change. The first schema of a store without relationships goes live at once.
   * Every write, applied or held back, is an audit record (`schema.write`) with its actor.
   */
  async writeSchema(
    text: string,
    options: ActorOptions & { file?: string } = {},
  ): Promise<SchemaWriteResult> {
    const { compiled } = parseSchema(text, options.file);
    const diagnostics = new Diagnostics();
    const place = options.file !== undefined ? { file: options.file } : undefined;
    const shapes = await this.store.relationshipShapes();
    const { orphanedShapes } = await orphans();
    for (const problem of orphanedShapes(compiled, shapes)) diagnostics.add(problem, place);
    diagnostics.throwIfAny("the schema would orphan live relationships");
    const actor = options.actor ?? "library";
    const reason = options.reason ?? null;
    if (shapes.length === 0) {
      // No live relationship anywhere: no access exists that a schema could move.
      const version = await this.store.writeSchema(text, options);
      await this.afterWrite(version.revision, () => {
        this.schemaVersion = version;
        this.engine.setSchema(compiled);
      });
      await this.auditSchemaWrite(actor, reason, {
        applied: true,
        version: version.version,
        revision: version.revision,
        change: null,
        gained: 0,
        lost: 0,
      });
      return { ...version, warnings: compiled.warnings, change: null, gained: 0, lost: 0 };
    }
    const { planSchemaWrite, schemaWriteFacts } = await schemaWrites();
    const planned = await planSchemaWrite(this.changes, text, {
      actor,
      reason: reason ?? `schema write${options.file !== undefined ? ` (${options.file})` : ""}`,
      secondPerson: this.schemaSecondPerson,
    });
    const counts = { gained: planned.plan.gained.length, lost: planned.plan.lost.length };
    if (planned.revision === undefined) {
      const id = planned.change.id;
      await this.auditSchemaWrite(actor, reason, { applied: false, change: id, ...counts });
      throw new GatehouseError(
        "refused",
        `the schema was not written (nothing went live): it is proposed as change ${id}, which is blocked: ${planned.plan.blockedBecause.join("; ")}; then \`gatehouse change apply ${id}\``,
        place,
        [],
        schemaWriteFacts(planned),
      );
    }
    const version = await this.store.readSchema(planned.revision);
    if (!version) throw new Error(`change ${planned.change.id} applied no schema`);
    await this.auditSchemaWrite(actor, reason, {
      applied: true,
      version: version.version,
      revision: planned.revision,
      change: planned.change.id,
      ...counts,
    });
    return { ...version, warnings: compiled.warnings, change: planned.change.id, ...counts };
  }

  /** A schema write's audit record: store-wide (no tenant), with what became of it. */
  private async auditSchemaWrite(
    actor: string,
    reason: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.store.appendAudit({
      actor,
      action: "schema.write",
      tenant: null,
      target: "schema",
      reason,
      details,
    });
  }

  async readSchema(): Promise<SchemaVersion | undefined> {
    await this.catchUp();
    return this.schemaVersion;
  }

  /** Applies our own write to the engine, or replays from the store when others wrote too. */
  private async afterWrite(revision: Revision, apply: () => void): Promise<void> {
    if (revision === this.appliedRevision + 1) {
      apply();
      this.appliedRevision = revision;
    } else {
      // Committed already, so waited for as long as it takes, as a lower revision's commit once
      // was (the sequence's row lock): an error now would tell the caller that a write which
      // holds had failed.
      await this.untilApplied(revision, Number.POSITIVE_INFINITY);
    }
  }

  /**
   * Catches up until `revision`, which has committed, is applied. On PostgreSQL a tenant's write
   * may commit before a lower revision of another tenant does, and the store's head (so the
   * feed) stays below that one until it commits or rolls back: the write is answered only once
   * this process reads its own writes. A read is bounded (`waitMs`): an earlier writer held longer
   * is reported rather than waited for.
   */
  private async untilApplied(revision: Revision, waitMs = SETTLE_WAIT_MS): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      await this.catchUp();
      if (this.appliedRevision >= revision) return;
      if (Date.now() > deadline)
        throw new GatehouseError(
          "unavailable",
          `revision ${revision} is committed but not readable yet: a lower revision is still being written; the newest readable is ${this.appliedRevision}`,
        );
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }

  // ---- relationships ------------------------------------------------------------------------

  /**
   * Validates updates against the schema, reporting every bad one with its place. A big batch
   * gives the event loop a turn every few milliseconds, so that other requests are answered.
   */
  private async validateUpdates(
    updates: readonly RelationshipUpdate[],
    placeOf: (index: number) => Place | undefined,
  ): Promise<void> {
    const schema = this.schema();
    const diagnostics = new Diagnostics();
    const slices = new Slices();
    let failures = 0;
    for (let i = 0; i < updates.length; i++) {
      try {
        const update = updates[i] as RelationshipUpdate;
        validateRelationship(
          schema,
          update.relationship,
          placeOf(i),
          update.operation === "delete" ? "delete" : "write",
        );
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        failures++;
        if (failures <= 20) diagnostics.errors.push(error);
      }
      await slices.step();
    }
    if (failures > 20) diagnostics.add(`… and ${failures - 20} more invalid relationships`);
    diagnostics.throwIfAny("nothing was written: some relationships do not fit the schema");
  }

  /**
   * A direct write: validated, held to the `direct-writes` guards (over the bound: refused,
   * nothing written, with the change file to propose instead), then written as one revision
   * that records its actor, door and request, with an audit record in the same transaction.
   */
  async writeRelationships(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: DirectWriteOptions & { placeOf?: (index: number) => Place | undefined } = {},
  ): Promise<WriteResult> {
    checkTenant(tenant);
    if (updates.length === 0) throw new GatehouseError("input", "no relationships to write");
    // A single update needs no position in messages; in a batch, name which one.
    const placeOf =
      options.placeOf ?? ((i: number) => (updates.length > 1 ? { field: `updates[${i}]` } : undefined));
    // Validate against the store's newest schema, not this process's: another node (or worker)
    // may have written a schema since this one last caught up.
    await this.catchUp();
    await this.validateUpdates(updates, placeOf);
    await this.guardDirectWrite(tenant, updates, options.filter);
    return this.commit(tenant, updates, options, "relationships.write").catch((error: unknown) => {
      throw explainWriteConflicts(error, tenant, updates, placeOf);
    });
  }

  /**
   * Deletes every live relationship a filter selects, as one direct write (zed's
   * `relationship bulk-delete`): held to the same guards, which name the filter in the change
   * file they suggest instead.
   */
  async deleteRelationships(
    tenant: string,
    filter: RelationshipFilter,
    options: DirectWriteOptions = {},
  ): Promise<WriteResult> {
    checkTenant(tenant);
    if (filter.resourceType === undefined)
      throw new GatehouseError(
        "usage",
        "a bulk delete needs at least a resource type, so that no filter empties a tenant",
        {
          field: "resource",
        },
      );
    await this.catchUp();
    const live = await this.store.readRelationships(tenant, filter, { limit: MAX_BULK_DELETE + 1 });
    if (live.length === 0)
      throw new GatehouseError(
        "not_found",
        `no live relationship in tenant \`${tenant}\` matches the filter`,
      );
    if (live.length > MAX_BULK_DELETE)
      throw new GatehouseError(
        "limit",
        `the filter selects more than ${MAX_BULK_DELETE} relationships; propose a change with \`delete_where\` instead`,
      );
    const updates: RelationshipUpdate[] = live.map((r) => ({
      operation: "delete",
      relationship: { resource: r.resource, relation: r.relation, subject: r.subject },
    }));
    await this.guardDirectWrite(tenant, updates, filter);
    return this.commit(tenant, updates, options, "relationships.delete");
  }

  /** The `direct-writes` guards in force (the defaults when none were written). */
  private async directWritesGuards() {
    const { directWritesGuards, guardsInForce } = await guardFiles();
    return directWritesGuards(await guardsInForce(this.store));
  }

  /** Holds a direct write to the `direct-writes` guards in force; throws `refused` over a bound. */
  private async guardDirectWrite(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    filter: RelationshipFilter | undefined,
    writesListed?: DirectWriteInput["writesListed"],
  ): Promise<void> {
    const guards = await this.directWritesGuards();
    if (guards.length === 0) return;
    const { checkDirectWrite } = await directWrites();
    await checkDirectWrite({
      tenant,
      updates,
      writesListed,
      guards,
      schema: this.schema(),
      engine: this.engine,
      now: this.now(),
      filter,
      ready: async () => {
        await this.ready(tenant);
        return this.appliedRevision;
      },
      isEmpty: async () => {
        const loaded = this.engine.loadedIndex(tenant);
        if (loaded) return loaded.data.size === 0;
        return (await this.store.readRelationships(tenant, {}, { limit: 1 })).length === 0;
      },
    });
  }

  private async commit(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: DirectWriteOptions,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<WriteResult> {
    const result = await this.store.writeRelationships(tenant, updates, {
      actor: options.actor,
      reason: options.reason,
      door: options.door ?? "library",
      requestId: options.requestId,
      audit: { action, details },
      preconditions: options.preconditions,
    });
    await this.afterWrite(result.revision, () => {
      this.engine.loadedIndex(tenant)?.apply(result.created, result.deleted);
      this.changedAt.set(tenant, result.revision);
    });
    return result;
  }

  /** Who made a revision, through which door and request, and what it did. */
  async revisionRecord(revision: Revision): Promise<RevisionRecord> {
    if (!Number.isSafeInteger(revision) || revision < 1)
      throw new GatehouseError(
        "input",
        `invalid revision \`${revision}\`: expected a whole number, 1 or more`,
        {
          field: "revision",
        },
      );
    const record = await this.store.getRevision(revision);
    if (!record) {
      const head = await this.store.headRevision();
      throw new GatehouseError("not_found", `revision ${revision} does not exist; the newest is ${head}`);
    }
    return record;
  }

  /** Revisions newest first: "who made these writes". */
  async listRevisions(filter: RevisionFilter = {}): Promise<RevisionRecord[]> {
    if (filter.tenant !== undefined) checkTenant(filter.tenant, { field: "tenant" });
    return this.store.listRevisions(filter);
  }

  async readRelationships(
    tenant: string,
    filter: RelationshipFilter = {},
    options: { atRevision?: Revision | undefined; limit?: number | undefined } = {},
  ): Promise<StoredRelationship[]> {
    checkTenant(tenant);
    return this.store.readRelationships(tenant, filter, options);
  }

  /**
   * One page of the live relationships that match a filter, in the store's tuple order, at one
   * revision: the first page's (`atRevision`, or the head), which its cursor carries, so that
   * the pages together are exactly the relationships live then.
   */
  async readRelationshipsPage(
    tenant: string,
    filter: RelationshipFilter = {},
    options: PageOptions & { atRevision?: Revision | undefined } = {},
  ): Promise<Page & { relationships: StoredRelationship[] }> {
    checkTenant(tenant);
    const limit = pageLimit(options.limit);
    const query = queryDigest([
      tenant,
      filter.resourceType,
      filter.resourceId,
      filter.relation,
      filter.subjectType,
      filter.subjectId,
      filter.subjectRelation,
    ]);
    const cursor =
      options.cursor !== undefined ? decodeCursor(options.cursor, "relationships", query) : undefined;
    if (cursor && options.atRevision !== undefined && options.atRevision !== cursor.revision)
      throw new GatehouseError(
        "input",
        `the cursor continues a read at revision ${cursor.revision}, not ${options.atRevision}: leave out atRevision`,
        { field: "atRevision" },
      );
    let after: Relationship | undefined;
    if (cursor) {
      const tuple = cursor.after;
      if (!Array.isArray(tuple) || tuple.length !== 6)
        throw new GatehouseError("input", "invalid cursor: it is not a relationship cursor", {
          field: "cursor",
        });
      after = toRelationship(...(tuple as [string, string, string, string, string, string]));
    }
    const revision = cursor?.revision ?? options.atRevision ?? (await this.store.headRevision());
    const rows = await this.store.readRelationships(tenant, filter, {
      atRevision: revision,
      limit: limit + 1,
      after,
    });
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows[rows.length - 1];
    return {
      relationships: rows,
      revision,
      cursor:
        more && last
          ? encodeCursor({ kind: "relationships", query, revision, schema: "", after: [...tupleOf(last)] })
          : null,
    };
  }

  /**
   * Imports one tuple a line, all or nothing, as one revision: lines are parsed, validated and
   * written in batches inside one transaction, and a bad line anywhere (malformed, not allowed
   * by the schema, or repeated) rolls it all back and is named with its line. Relationships
   * already live are left as they are, unless the line gives another caveat or expiration (or
   * the live one has expired), which replaces it, as a touch does. The answer lists what was
   * created and replaced; for an import too big to hold, `importRelationshipsFrom` reads a stream
   * and answers with the count only.
   */
  async importRelationships(tenant: string, text: string, options: ImportOptions = {}): Promise<WriteResult> {
    const result = await this.importRelationshipsFrom(tenant, text, options);
    const { created, deleted } = await this.writtenAt(result.revision);
    return { revision: result.revision, created, deleted };
  }

  /**
   * `importRelationships` of a stream (a file, standard input, a request body), in bounded
   * memory whatever its size: one batch of relationships is held at a time, and the answer
   * counts what was created rather than listing it.
   */
  async importRelationshipsFrom(
    tenant: string,
    source: TextSource,
    options: ImportOptions = {},
  ): Promise<ImportWriteResult> {
    checkTenant(tenant);
    await this.catchUp(); // the newest schema, as for writeRelationships
    const schema = this.schema();
    const guards = await this.directWritesGuards();
    const facts = new (await directWrites()).DirectWriteFacts(schema, guards);
    const reading = new RelationshipImport(schema, options.file, facts, options.onProgress);
    const result = await this.store.importRelationships(tenant, reading.batches(source), {
      actor: options.actor,
      reason: options.reason,
      door: options.door ?? "library",
      requestId: options.requestId,
      file: options.file,
      audit: {
        action: "relationships.import",
        details: options.file !== undefined ? { file: options.file } : {},
      },
      staged: (repeats) => reading.staged(repeats),
      refuseLive: options.refuseLive,
      beforeCommit: async () => {
        reading.finish();
        const { updates, writesListed } = facts.input();
        await this.guardDirectWrite(tenant, updates, undefined, writesListed);
      },
    });
    // A loaded index follows from the store, which the import's rows are read back from; past
    // `INDEX_FOLLOWS_UP_TO` it is dropped instead, and loaded again when next needed.
    const follow =
      this.engine.loadedIndex(tenant) && result.created <= INDEX_FOLLOWS_UP_TO
        ? await this.writtenAt(result.revision)
        : undefined;
    await this.afterWrite(result.revision, () => {
      const index = this.engine.loadedIndex(tenant);
      if (index && follow) index.apply(follow.created, follow.deleted);
      else if (index) this.engine.dropTenant(tenant);
      this.changedAt.set(tenant, result.revision);
    });
    const loaded = this.engine.hasTenant(tenant);
    // Writing the snapshot loads the tenant: past `SNAPSHOT_AFTER_IMPORT_UP_TO` that would hold
    // the whole import in memory after all (2.5 GB at 10M), so it is left to `serve`'s background
    // writer or `gatehouse index snapshot`.
    const snapshotByDefault =
      this.snapshotTimer === undefined && (loaded || result.created <= SNAPSHOT_AFTER_IMPORT_UP_TO);
    if (options.snapshot ?? snapshotByDefault) {
      await this.writeIndexSnapshot(tenant);
      // Loaded only to be written: memory stays as an import without a snapshot leaves it, and
      // the next load reads the snapshot just written.
      if (!loaded) this.engine.dropTenant(tenant);
    }
    return result;
  }

  /**
   * The relationships a revision made live and ended (an import replaces a live relationship
   * whose caveat or expiration it changes), read back from the store as a follower reads them.
   */
  private async writtenAt(
    revision: Revision,
  ): Promise<{ created: readonly Relationship[]; deleted: readonly Relationship[] }> {
    // The feed reads a revision once every lower one is settled (PostgreSQL).
    while ((await this.store.headRevision()) < revision)
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const [event] = await this.store.revisionsSince(revision - 1, 1);
    return event?.revision === revision
      ? { created: event.created, deleted: event.deleted }
      : { created: [], deleted: [] };
  }

  // ---- queries ------------------------------------------------------------------------------

  /** Registers an observer of every answered check; returns the function that removes it. */
  addCheckObserver(observer: CheckObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  private observed(
    tenant: string,
    request: CheckRequest,
    allowed: boolean,
    revision: Revision,
    schema: SchemaAnswer,
  ): void {
    const rolledOut = "candidate" in schema;
    for (const observer of this.observers) {
      try {
        observer.observe(tenant, request, allowed, revision, rolledOut, schema);
      } catch {
        // An observer's failure (a full queue, a bug) must never change or fail the answer.
      }
    }
  }

  async check(
    tenant: string,
    request: CheckRequest,
    consistency: ConsistencyOptions = {},
  ): Promise<CheckResult> {
    await this.ready(tenant, consistency);
    const rollout = this.rollouts.route(tenant);
    const allowed = rollout
      ? this.rollouts.check(rollout, tenant, request)
      : this.engine.check(tenant, request);
    const revision = this.appliedRevision;
    const schema = rollout ? rollout.answer : this.activeSchemaAnswer();
    if (this.observers.length > 0) {
      // Back-pressure: a full decision log is written before it takes another check.
      if (this.decisionLog?.full) await this.decisionLog.flush();
      this.observed(tenant, request, allowed, revision, schema);
    }
    const conditional = allowed || rollout ? undefined : this.engine.conditionalOn(tenant, request);
    return conditional ? { allowed, conditional, revision, schema } : { allowed, revision, schema };
  }

  /**
   * Whether an observer would see checks now: the decision log when it records, the shadow
   * evaluation only while a session runs (it ignores every check otherwise).
   */
  private observing(): boolean {
    for (const observer of this.observers)
      if (observer !== this.shadow || this.shadow.running !== undefined) return true;
    return false;
  }

  /** Tells the observers of each check of a batch and its answer. */
  private async observeBatch(
    tenant: string,
    requests: readonly CheckRequest[],
    results: readonly boolean[],
    revision: Revision,
    answer: SchemaAnswer,
  ): Promise<void> {
    const log = this.decisionLog;
    for (let i = 0; i < results.length; i++) {
      // Back-pressure: a batch bigger than the log's buffer waits for it to be written.
      if (log?.full) await log.flush();
      this.observed(tenant, requests[i] as CheckRequest, results[i] as boolean, revision, answer);
    }
  }

  /** Checks many at one revision; all are validated before any is answered. */
  async checkBatch(
    tenant: string,
    requests: readonly CheckRequest[],
    consistency: ConsistencyOptions & { placeOf?: (index: number) => Place | undefined } = {},
  ): Promise<{
    results: boolean[];
    revision: Revision;
    schema: SchemaAnswer;
    /** Present when some answer is conditional: per check, its missing context parameters, if any. */
    conditional?: (readonly string[] | undefined)[];
  }> {
    await this.ready(tenant, consistency);
    const rollout = this.rollouts.route(tenant);
    // Without a schema every check is refused with its place, as `resolve` says it.
    const schema = rollout ? rollout.candidate : this.engine.schema;
    // Every check's names are resolved (and refused, each with its place) before any is
    // answered; the answers then reuse what was resolved. Plain loops: at 200,000 checks a
    // closure or an object per check is a visible share beside the engine's own work.
    const members: MemberDef[] = new Array(requests.length);
    let diagnostics: Diagnostics | undefined;
    for (let i = 0; i < requests.length; i++) {
      try {
        members[i] = this.engine.resolve(requests[i] as CheckRequest, schema ?? this.engine.requireSchema());
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        const place = consistency.placeOf ? consistency.placeOf(i) : { field: `checks[${i}]` };
        diagnostics ??= new Diagnostics();
        diagnostics.errors.push(
          new GatehouseError(error.kind, error.message, place, [], undefined, error.reason),
        );
      }
    }
    diagnostics?.throwIfAny("no check was answered: some checks name unknown types or permissions");
    const revision = this.appliedRevision;
    const results: boolean[] = new Array(requests.length);
    withinBatchBudget(() => {
      for (let i = 0; i < requests.length; i++) {
        const request = requests[i] as CheckRequest;
        results[i] = rollout
          ? this.rollouts.check(rollout, tenant, request)
          : this.engine.checkResolved(tenant, request, members[i] as MemberDef, schema as CompiledSchema);
      }
    });
    const answer = rollout ? rollout.answer : this.activeSchemaAnswer();
    if (this.observing()) await this.observeBatch(tenant, requests, results, revision, answer);
    if (!rollout) {
      // Only a denied check can be conditional; the list is made when one is.
      let conditional: (readonly string[] | undefined)[] | undefined;
      withinBatchBudget(() => {
        for (let i = 0; i < results.length; i++) {
          if (results[i]) continue;
          const missing = this.engine.conditionalOn(tenant, requests[i] as CheckRequest, schema);
          if (missing === undefined) continue;
          conditional ??= new Array(results.length).fill(undefined);
          conditional[i] = missing;
        }
      });
      if (conditional) return { results, revision, schema: answer, conditional };
    }
    return { results, revision, schema: answer };
  }

  /**
   * Write preconditions at the newest revision, for a call that writes nothing after all (a
   * write checks its own inside its transaction): a failed one throws as the write would have.
   */
  async checkPreconditions(tenant: string, preconditions: readonly WritePrecondition[]): Promise<void> {
    if (preconditions.length === 0) return;
    await this.catchUp();
    await checkWritePreconditions(preconditions, async (filter, prefix) => {
      if (prefix === undefined)
        return (await this.readRelationships(tenant, filter, { limit: 1 })).length > 0;
      // With an id prefix, what the rest of the filter selects is read in pages, up to the first match.
      let after: Relationship | undefined;
      for (;;) {
        const page = await this.store.readRelationships(tenant, filter, { limit: 1_000, after });
        if (page.some((r) => r.resource.id.startsWith(prefix))) return true;
        if (page.length < 1_000) return false;
        after = page[page.length - 1];
      }
    });
  }

  /**
   * `checkBatch` of a text of one check a line (`resource#permission@subject`, as the CLI's
   * `permission check --batch` reads it): a malformed line, or a check naming an unknown type or
   * permission, is named with its file and line, and then nothing is answered. `maxChecks`
   * bounds a request's batch (HTTP: 10,000): the first check past it is named, nothing answered.
   */
  async checkBatchText(
    tenant: string,
    text: string,
    file: string | undefined,
    consistency: ConsistencyOptions & { maxChecks?: number } = {},
  ): Promise<Awaited<ReturnType<Gatehouse["checkBatch"]>>> {
    const { maxChecks, ...options } = consistency;
    try {
      await this.ready(tenant, options);
    } catch (error) {
      // A malformed line is named before an unknown revision or a bad tenant, as ever.
      parseCheckLines(text, file, maxChecks);
      throw error;
    }
    // The usual batch is answered straight from its lines (`answerCheckLines`). Read into checks
    // below instead: a staged rollout's (they go through the rollout), one with a line to name, and
    // one an observer (the decision log, a shadow session) is told of check by check, which needs
    // the checks anyway: reading the lines twice would cost more than the pass saves.
    const schema = this.engine.schema;
    const answered =
      schema !== undefined && !this.observing() && this.rollouts.route(tenant) === undefined
        ? withinBatchBudget(() =>
            this.engine.checkLines(tenant, text, maxChecks ?? Number.POSITIVE_INFINITY, schema),
          )
        : undefined;
    if (answered !== undefined) {
      const revision = this.appliedRevision;
      const answer = this.activeSchemaAnswer();
      const { results, conditional } = answered;
      return conditional
        ? { results, revision, schema: answer, conditional }
        : { results, revision, schema: answer };
    }
    const { requests, lines } = parseCheckLines(text, file, maxChecks);
    return this.checkBatch(tenant, requests, {
      ...options,
      placeOf: (i) => ({ ...(file !== undefined ? { file } : {}), line: lines[i]! }),
    });
  }

  /**
   * Recorded decisions, oldest first. What this process has buffered is written first, so a
   * check answered here is listed at once.
   */
  async listDecisions(filter: DecisionFilter = {}): Promise<DecisionRecord[]> {
    if (filter.tenant !== undefined) checkTenant(filter.tenant, { field: "tenant" });
    await this.decisionLog?.flush();
    return this.store.listDecisions(filter);
  }

  /**
   * Checks answered in a time window that the decision log could not record (counted by the
   * processes that answered them, or afterwards from the tally of one that was killed).
   */
  async decisionLosses(
    window: { since?: string | undefined; until?: string | undefined } = {},
  ): Promise<DecisionLoss[]> {
    await this.decisionLog?.flush();
    return this.store.listDecisionLosses(window);
  }

  /**
   * Who gained and who lost access through a change (or between two revisions), and which of
   * those accesses were used or denied while it was live, from the decision log; for a rolled
   * out change also each rollout's window, applied or not. What this process has buffered is
   * written first, so its own checks count.
   */
  async incidentReport(selector: IncidentSelector): Promise<IncidentReport> {
    await this.decisionLog?.flush();
    const { incidentReport } = await incidentReports();
    const { rolloutIncidents } = await rolloutIncidentReports();
    return incidentReport(this.store, selector, {
      maxDepth: this.maxDepth,
      rollouts: (change) => rolloutIncidents(this.store, change, { maxDepth: this.maxDepth }),
    });
  }

  /**
   * Replays the recorded decisions against a change (its schema and/or its data, on a private
   * copy of the indexes) and reports the ones that would answer differently.
   */
  async replay(changeId: number, options: { since?: string | undefined } = {}): Promise<ReplayReport> {
    await this.decisionLog?.flush();
    const { replayDecisions } = await replays();
    return replayDecisions(this.store, changeId, { since: options.since, now: this.now });
  }

  async explain(
    tenant: string,
    request: CheckRequest,
    consistency: ConsistencyOptions = {},
  ): Promise<{ tree: ExplainNode; revision: Revision; schema: SchemaAnswer }> {
    await this.ready(tenant, consistency);
    const rollout = this.rollouts.route(tenant);
    return {
      tree: this.engine.explain(tenant, request, rollout?.candidate),
      revision: this.appliedRevision,
      schema: rollout ? rollout.answer : this.activeSchemaAnswer(),
    };
  }

  /**
   * One page of the resources of a type on which a subject has a permission, sorted by id.
   * `limit` (default 1,000, at most 10,000) bounds the page; its `cursor` continues after its
   * last id at the same revision and with the same schema (see `lookupPage`). Under caveats, a
   * resource the subject has only if context the request did not give holds is listed too, with
   * `conditional` naming the missing parameters (SpiceDB's CONDITIONAL_PERMISSION).
   */
  async lookupResources(
    tenant: string,
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    options: LookupQueryOptions = {},
  ): Promise<Page & { resources: FoundObject[]; schema: SchemaAnswer }> {
    const query = lookupResourcesQuery(tenant, resourceType, permission, subject, options.context);
    const lookup = { context: options.context, conditional: true };
    const page = await this.lookupPage(
      "resources",
      tenant,
      query,
      options,
      (found: FoundResource) => found.id,
      (engine, schema) =>
        engine.lookupResourcesWith(tenant, resourceType, permission, subject, lookup, schema),
    );
    return {
      resources: page.items.map((found) =>
        found.conditional
          ? { type: resourceType, id: found.id, conditional: found.conditional }
          : { type: resourceType, id: found.id },
      ),
      revision: page.revision,
      schema: page.schema,
      cursor: page.cursor,
    };
  }

  /**
   * One page of the subjects of a type that have a permission on a resource: a wildcard (with
   * its exceptions) first, then by id; paged as `lookupResources`, and conditional subjects
   * listed with their missing parameters as there.
   */
  async lookupSubjects(
    tenant: string,
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation?: string,
    options: LookupQueryOptions = {},
  ): Promise<Page & { subjects: FoundSubject[]; schema: SchemaAnswer }> {
    const query = queryDigest([
      tenant,
      resource.type,
      resource.id,
      permission,
      subjectType,
      subjectRelation,
      ...contextPart(options.context),
    ]);
    const lookup = { context: options.context, conditional: true };
    const page = await this.lookupPage(
      "subjects",
      tenant,
      query,
      options,
      // The wildcard comes first; the empty key sorts before every id.
      (found: FoundSubject) => (found.subject.id === "*" ? "" : found.subject.id),
      (engine, schema) =>
        engine.lookupSubjects(tenant, resource, permission, subjectType, subjectRelation, schema, lookup),
    );
    return { subjects: page.items, revision: page.revision, schema: page.schema, cursor: page.cursor };
  }

  /**
   * Pages a lookup. The first page computes the whole sorted answer (one lookup at a time, a
   * turn of the event loop apart, so that others' checks get in between) and keeps it for the
   * later pages. A later page answers at the cursor's revision: from the kept answer; or, when
   * it is gone, from the live index if the tenant has not changed since that revision; or else
   * from a private index built from the store at that revision. A schema that changed since
   * the first page (a new version, a rollout step) is refused: the pages would not fit together.
   */
  private async lookupPage<T extends LookupItem>(
    kind: PageKind,
    tenant: string,
    query: string,
    options: ConsistencyOptions & PageOptions,
    keyOf: (item: T) => string,
    compute: (engine: Engine, schema: CompiledSchema) => T[],
  ): Promise<{ items: T[]; revision: Revision; schema: SchemaAnswer; cursor: string | null }> {
    checkTenant(tenant);
    const limit = pageLimit(options.limit);
    const cursor: Cursor | undefined =
      options.cursor !== undefined ? decodeCursor(options.cursor, kind, query) : undefined;
    const atLeast = Math.max(options.atLeastRevision ?? 0, cursor?.revision ?? 0);
    await this.ready(tenant, atLeast > 0 ? { atLeastRevision: atLeast } : {});
    const answered = await this.lookupTurns.run(() => {
      const rollout = this.rollouts.route(tenant);
      const schema = rollout ? rollout.answer : this.activeSchemaAnswer();
      const schemaKey = JSON.stringify(schema);
      const compiled = rollout?.candidate ?? this.schema();
      if (cursor && cursor.schema !== schemaKey)
        throw new GatehouseError(
          "conflict",
          `the schema answering tenant \`${tenant}\` changed since the first page (${cursor.schema}, now ${schemaKey}): start again without a cursor`,
          { field: "cursor" },
        );
      const revision = cursor?.revision ?? this.appliedRevision;
      const cacheKey = `${kind}|${query}|${revision}|${schemaKey}`;
      const kept = cursor ? (this.lookupPages.get(cacheKey) as T[] | undefined) : undefined;
      if (kept) return { items: kept, revision, schema, schemaKey, cacheKey, compiled };
      const live =
        this.engine.hasTenant(tenant) &&
        revision >= this.openedAt &&
        (this.changedAt.get(tenant) ?? -1) <= revision;
      if (!live) return { items: undefined, revision, schema, schemaKey, cacheKey, compiled };
      return { items: compute(this.engine, compiled), revision, schema, schemaKey, cacheKey, compiled };
    });
    let items = answered.items as T[] | undefined;
    if (items === undefined) {
      // The tenant changed since the cursor's revision: answer from its relationships then.
      const engine = await this.privateEngineAt(tenant, answered.revision);
      items = await this.lookupTurns.run(() => compute(engine, answered.compiled));
    }
    const start = cursor ? startAfter(items, keyOf, cursor.after as string) : 0;
    const end = Math.min(items.length, start + limit);
    const more = end < items.length;
    if (more) this.lookupPages.set(answered.cacheKey, items);
    const last = items[end - 1];
    return {
      items: items.slice(start, end),
      revision: answered.revision,
      schema: answered.schema,
      cursor:
        more && last !== undefined
          ? encodeCursor({
              kind,
              query,
              revision: answered.revision,
              schema: answered.schemaKey,
              after: keyOf(last),
            })
          : null,
    };
  }

  /** A private engine holding one tenant's relationships as they were at a past revision. */
  private async privateEngineAt(tenant: string, revision: Revision): Promise<Engine> {
    const engine = new Engine(undefined, {
      ...(this.maxDepth !== undefined ? { maxDepth: this.maxDepth } : {}),
      now: () => this.now().getTime(),
    });
    const index = new TenantIndex(tenant);
    for await (const batch of this.store.scanTenant(tenant, revision)) index.apply(batch, []);
    engine.registerTenant(index);
    return engine;
  }
}
