import type { ChangeContext } from "../changes/change-context.js";
import { type IncidentReport, type IncidentSelector, incidentReport } from "../changes/incident-report.js";
import { Changes } from "../changes/lifecycle.js";
import { orphanedShapes } from "../changes/orphans.js";
import { planSchemaWrite, schemaWriteFacts } from "../changes/schema-write.js";
import { SubjectLifecycle } from "../changes/subject-lifecycle.js";
import { type CheckRequest, Engine, TenantIndex } from "../engine/engine.js";
import type { ExplainNode } from "../engine/explain.js";
import type { FoundSubject } from "../engine/lookup.js";
import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import { formatRelationship, type ObjectRef, type SubjectRef } from "../model/relationship.js";
import { type ReplayReport, replayDecisions } from "../rollout/replay.js";
import { Rollouts, type SchemaAnswer } from "../rollout/rollouts.js";
import { Shadow } from "../rollout/shadow.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { parseSchema } from "../schema/schema.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import type { DecisionFilter, DecisionRecord } from "../store/decision-records.js";
import { openStore } from "../store/open-store.js";
import type {
  RelationshipFilter,
  RelationshipUpdate,
  Revision,
  SchemaVersion,
  Store,
  StoredRelationship,
  WriteResult,
} from "../store/store.js";
import { DecisionLog, type DecisionLogOptions, decisionLogSettings } from "./decision-log.js";
import { parseTupleLines } from "./tuple-lines.js";

export interface GatehouseOptions {
  /** The clock, for tests; defaults to the system clock. */
  readonly now?: () => Date;
  /** How many object hops one check may take before it fails with a depth error. */
  readonly maxDepth?: number;
  /** How often a rollout started, promoted or rolled back elsewhere is picked up (ms; 0: only at open). */
  readonly rolloutPollMs?: number;
  /** Recording of answered checks (default: every check, kept 30 days); `{ sample: "off" }` for none. */
  readonly decisionLog?: DecisionLogOptions;
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
   * answer rather than the active one.
   */
  observe(
    tenant: string,
    request: CheckRequest,
    allowed: boolean,
    revision: Revision,
    rolledOut: boolean,
  ): void;
}

export interface ImportOptions extends ActorOptions {
  /** The file name, for error places. */
  readonly file?: string | undefined;
  /** Called as lines are validated, for a progress display. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** How many updates are validated between two progress reports. */
const PROGRESS_STEP = 50_000;

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

  /** The depth limit of checks, which reports that evaluate on private engines keep too. */
  private readonly maxDepth: number | undefined;

  private constructor(store: Store, options: GatehouseOptions) {
    this.store = store;
    this.maxDepth = options.maxDepth;
    this.engine = new Engine(undefined, options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {});
    this.now = options.now ?? (() => new Date());
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
        });
        if (result.schemaVersion) await this.rollouts.changeApplied(result.change.id, result.revision);
      },
    };
    this.changes = new Changes(context);
    this.lifecycle = new SubjectLifecycle(context);
    this.rollouts = new Rollouts({ store, engine: this.engine, changes: this.changes, now: this.now });
    if (decisionLogSettings(options.decisionLog).sample > 0) {
      const clock = options.now ? () => this.now().getTime() : Date.now;
      this.decisionLog = new DecisionLog(store, options.decisionLog, clock);
      this.addCheckObserver(this.decisionLog);
    }
  }

  /** Opens a store (a SQLite file path, or `:memory:`) and loads its schema. */
  static async open(location: string, options: GatehouseOptions = {}): Promise<Gatehouse> {
    decisionLogSettings(options.decisionLog); // bad options are refused before the store is opened
    return Gatehouse.withStore(await openStore(location), options);
  }

  static async withStore(store: Store, options: GatehouseOptions = {}): Promise<Gatehouse> {
    const gatehouse = new Gatehouse(store, options);
    gatehouse.appliedRevision = await store.headRevision();
    await gatehouse.loadSchemaAt(gatehouse.appliedRevision);
    await gatehouse.rollouts.refresh();
    const pollMs = options.rolloutPollMs ?? 500;
    if (pollMs > 0) gatehouse.rollouts.follow(pollMs);
    await gatehouse.shadow.open();
    return gatehouse;
  }

  get revision(): Revision {
    return this.appliedRevision;
  }

  async close(): Promise<void> {
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

  private async catchUpPass(): Promise<void> {
    for (;;) {
      const events = await this.store.revisionsSince(this.appliedRevision, 10_000);
      if (events.length === 0) return;
      for (const event of events) {
        if (event.revision <= this.appliedRevision) continue;
        const schema = event.schemaVersion !== null ? await this.store.readSchema(event.revision) : undefined;
        // Between the await above and here an own write may have been applied already.
        if (event.revision <= this.appliedRevision) continue;
        if (event.revision !== this.appliedRevision + 1) break;
        if (schema) {
          this.schemaVersion = schema;
          this.engine.setSchema(parseSchema(schema.text).compiled);
        }
        // A purge removed rows whose events this index may not have seen yet (it was behind
        // their deletion): it is dropped and loaded again, from the store, when next needed.
        if (event.purged) this.engine.dropTenant(event.tenant);
        else this.engine.loadedIndex(event.tenant)?.apply(event.created, event.deleted);
        this.appliedRevision = event.revision;
      }
    }
  }

  /** Ensures a tenant's index is loaded and at least at `atLeast`. */
  private async ready(tenant: string, consistency: ConsistencyOptions = {}): Promise<void> {
    checkTenant(tenant);
    const wanted = consistency.atLeastRevision;
    if (wanted !== undefined && wanted > this.appliedRevision) {
      // The store is the source of truth for every node, so one catch-up reaches any revision
      // that has been committed anywhere; a newer one does not exist.
      await this.catchUp();
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
   * Builds a tenant's index from the store at the applied revision, then replays what was
   * applied to the other indexes meanwhile, and only then makes it visible: a half-loaded index
   * must never take part in answers or receive live updates.
   */
  private async loadTenant(tenant: string): Promise<void> {
    await this.catchUp();
    const index = new TenantIndex(tenant);
    let at = this.appliedRevision;
    for await (const batch of this.store.scanTenant(tenant, at)) index.apply(batch, []);
    while (at < this.appliedRevision) {
      const events = await this.store.revisionsSince(at, 10_000);
      if (events.length === 0) break;
      for (const event of events) {
        if (event.revision > this.appliedRevision) break;
        if (event.tenant === tenant) index.apply(event.created, event.deleted);
        at = event.revision;
      }
    }
    this.engine.registerTenant(index);
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
    const planned = await planSchemaWrite(this.changes, text, {
      actor,
      reason: reason ?? `schema write${options.file !== undefined ? ` (${options.file})` : ""}`,
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
      await this.catchUp();
    }
  }

  // ---- relationships ------------------------------------------------------------------------

  /** Validates updates against the schema, reporting every bad one with its place. */
  private validateUpdates(
    updates: readonly RelationshipUpdate[],
    placeOf: (index: number) => Place | undefined,
    onProgress?: (done: number, total: number) => void,
  ): void {
    const schema = this.schema();
    const diagnostics = new Diagnostics();
    let failures = 0;
    updates.forEach((update, i) => {
      try {
        validateRelationship(schema, update.relationship, placeOf(i));
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        failures++;
        if (failures <= 20) diagnostics.errors.push(error);
      }
      if (onProgress && (i + 1) % PROGRESS_STEP === 0) onProgress(i + 1, updates.length);
    });
    if (failures > 20) diagnostics.add(`… and ${failures - 20} more invalid relationships`);
    diagnostics.throwIfAny("nothing was written: some relationships do not fit the schema");
  }

  async writeRelationships(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: ActorOptions & { placeOf?: (index: number) => Place | undefined } = {},
  ): Promise<WriteResult> {
    checkTenant(tenant);
    if (updates.length === 0) throw new GatehouseError("input", "no relationships to write");
    // A single update needs no position in messages; in a batch, name which one.
    const placeOf =
      options.placeOf ?? ((i: number) => (updates.length > 1 ? { field: `updates[${i}]` } : undefined));
    // Validate against the store's newest schema, not this process's: another node (or worker)
    // may have written a schema since this one last caught up.
    await this.catchUp();
    this.validateUpdates(updates, placeOf);
    return this.commit(tenant, updates, options);
  }

  private async commit(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: ActorOptions,
  ): Promise<WriteResult> {
    const result = await this.store.writeRelationships(tenant, updates, options);
    await this.afterWrite(result.revision, () => {
      this.engine.loadedIndex(tenant)?.apply(result.created, result.deleted);
    });
    return result;
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
   * Imports one tuple a line, all or nothing: every line is parsed and validated before anything
   * is written, and the write is one transaction. Relationships already live are left as they are.
   */
  async importRelationships(tenant: string, text: string, options: ImportOptions = {}): Promise<WriteResult> {
    checkTenant(tenant);
    const lines = parseTupleLines(text, options.file);
    if (lines.length === 0) {
      throw new GatehouseError(
        "input",
        `${options.file ?? "the input"} holds no relationships`,
        placeOfFile(options.file),
      );
    }
    const updates: RelationshipUpdate[] = lines.map((l) => ({
      operation: "touch",
      relationship: l.relationship,
    }));
    await this.catchUp(); // the newest schema, as for writeRelationships
    this.validateUpdates(
      updates,
      (i) => ({ ...placeOfFile(options.file), line: lines[i]!.line, column: 1 }),
      options.onProgress,
    );
    const seen = new Map<string, number>();
    const diagnostics = new Diagnostics();
    lines.forEach((l) => {
      const key = formatRelationship(l.relationship);
      const first = seen.get(key);
      if (first !== undefined)
        diagnostics.add(`\`${key}\` appears twice (first on line ${first})`, {
          ...placeOfFile(options.file),
          line: l.line,
        });
      else seen.set(key, l.line);
    });
    diagnostics.throwIfAny("nothing was written: duplicate relationships");
    return this.commit(tenant, updates, options);
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
    rolledOut: boolean,
  ): void {
    for (const observer of this.observers) {
      try {
        observer.observe(tenant, request, allowed, revision, rolledOut);
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
    if (this.observers.length > 0) this.observed(tenant, request, allowed, revision, rollout !== undefined);
    return { allowed, revision, schema: rollout ? rollout.answer : this.activeSchemaAnswer() };
  }

  /** Checks many at one revision; all are validated before any is answered. */
  async checkBatch(
    tenant: string,
    requests: readonly CheckRequest[],
    consistency: ConsistencyOptions & { placeOf?: (index: number) => Place | undefined } = {},
  ): Promise<{ results: boolean[]; revision: Revision; schema: SchemaAnswer }> {
    await this.ready(tenant, consistency);
    const rollout = this.rollouts.route(tenant);
    const diagnostics = new Diagnostics();
    const placeOf = consistency.placeOf ?? ((i: number) => ({ field: `checks[${i}]` }));
    requests.forEach((request, i) => {
      try {
        this.engine.resolve(request, rollout?.candidate);
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        diagnostics.errors.push(new GatehouseError(error.kind, error.message, placeOf(i)));
      }
    });
    diagnostics.throwIfAny("no check was answered: some checks name unknown types or permissions");
    const revision = this.appliedRevision;
    const results = requests.map((r) =>
      rollout ? this.rollouts.check(rollout, tenant, r) : this.engine.check(tenant, r),
    );
    if (this.observers.length > 0) {
      for (let i = 0; i < results.length; i++)
        this.observed(
          tenant,
          requests[i] as CheckRequest,
          results[i] as boolean,
          revision,
          rollout !== undefined,
        );
    }
    return { results, revision, schema: rollout ? rollout.answer : this.activeSchemaAnswer() };
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
   * Who gained and who lost access through a change (or between two revisions), and which of
   * those accesses were used or denied while it was live, from the decision log. What this
   * process has buffered is written first, so its own checks count.
   */
  async incidentReport(selector: IncidentSelector): Promise<IncidentReport> {
    await this.decisionLog?.flush();
    return incidentReport(this.store, selector, { maxDepth: this.maxDepth });
  }

  /**
   * Replays the recorded decisions against a change (its schema and/or its data, on a private
   * copy of the indexes) and reports the ones that would answer differently.
   */
  async replay(changeId: number, options: { since?: string | undefined } = {}): Promise<ReplayReport> {
    await this.decisionLog?.flush();
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

  async lookupResources(
    tenant: string,
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    consistency: ConsistencyOptions = {},
  ): Promise<{ resources: ObjectRef[]; revision: Revision; schema: SchemaAnswer }> {
    await this.ready(tenant, consistency);
    const rollout = this.rollouts.route(tenant);
    const ids = this.engine.lookupResources(tenant, resourceType, permission, subject, rollout?.candidate);
    return {
      resources: ids.map((id) => ({ type: resourceType, id })),
      revision: this.appliedRevision,
      schema: rollout ? rollout.answer : this.activeSchemaAnswer(),
    };
  }

  async lookupSubjects(
    tenant: string,
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation?: string,
    consistency: ConsistencyOptions = {},
  ): Promise<{ subjects: FoundSubject[]; revision: Revision; schema: SchemaAnswer }> {
    await this.ready(tenant, consistency);
    const rollout = this.rollouts.route(tenant);
    return {
      subjects: this.engine.lookupSubjects(
        tenant,
        resource,
        permission,
        subjectType,
        subjectRelation,
        rollout?.candidate,
      ),
      revision: this.appliedRevision,
      schema: rollout ? rollout.answer : this.activeSchemaAnswer(),
    };
  }
}

function placeOfFile(file: string | undefined): Place {
  return file !== undefined ? { file } : {};
}
