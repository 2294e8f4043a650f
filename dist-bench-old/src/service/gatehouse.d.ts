import { type IncidentReport, type IncidentSelector } from "../changes/incident-report.js";
import { Changes } from "../changes/lifecycle.js";
import { SubjectLifecycle } from "../changes/subject-lifecycle.js";
import { type CheckRequest, Engine } from "../engine/engine.js";
import type { ExplainNode } from "../engine/explain.js";
import type { FoundSubject } from "../engine/lookup.js";
import { type Place } from "../model/errors.js";
import { type ObjectRef, type SubjectRef } from "../model/relationship.js";
import { type ReplayReport } from "../rollout/replay.js";
import { Rollouts, type SchemaAnswer } from "../rollout/rollouts.js";
import { Shadow } from "../rollout/shadow.js";
import type { DecisionFilter, DecisionRecord } from "../store/decision-records.js";
import type { RelationshipFilter, RelationshipUpdate, Revision, SchemaVersion, Store, StoredRelationship, WriteResult } from "../store/store.js";
import { DecisionLog, type DecisionLogOptions } from "./decision-log.js";
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
    observe(tenant: string, request: CheckRequest, allowed: boolean, revision: Revision, rolledOut: boolean): void;
}
export interface ImportOptions extends ActorOptions {
    /** The file name, for error places. */
    readonly file?: string | undefined;
    /** Called as lines are validated, for a progress display. */
    readonly onProgress?: ((done: number, total: number) => void) | undefined;
}
/**
 * Gatehouse's operations, independent of any transport: the library API, the CLI and (later)
 * the HTTP API all call these. It owns the store and the in-memory engine and keeps the engine
 * at a known store revision: every answer says which.
 */
export declare class Gatehouse {
    readonly store: Store;
    readonly engine: Engine;
    /** Every loaded tenant's index reflects the store exactly at this revision. */
    private appliedRevision;
    private schemaVersion;
    /** Propose, plan, approve, apply, revert and restore changes; guards. */
    readonly changes: Changes;
    /** Soft delete, restore, merge and purge of subjects and tenants; the retention window. */
    readonly lifecycle: SubjectLifecycle;
    readonly now: () => Date;
    private observers;
    /** Staged rollouts: which tenants a candidate schema answers, and its deny-rate monitors. */
    readonly rollouts: Rollouts;
    private activeAnswer;
    /** Shadow evaluation: a candidate schema evaluated beside the active one on every check. */
    readonly shadow: Shadow;
    /** Records answered checks off the check path; absent when the log is off. */
    readonly decisionLog: DecisionLog | undefined;
    /** The depth limit of checks, which reports that evaluate on private engines keep too. */
    private readonly maxDepth;
    private constructor();
    /** Opens a store (a SQLite file path, or `:memory:`) and loads its schema. */
    static open(location: string, options?: GatehouseOptions): Promise<Gatehouse>;
    static withStore(store: Store, options?: GatehouseOptions): Promise<Gatehouse>;
    get revision(): Revision;
    close(): Promise<void>;
    private loadSchemaAt;
    /** The catch-up passes queued so far: one runs at a time, each to the head it finds. */
    private catching;
    /** Tenants whose index is being loaded, so that concurrent requests share one load. */
    private readonly loading;
    /**
     * Moves the loaded indexes forward to the store's head, replaying what other processes (and
     * other nodes) wrote. Passes are serialised, and every event is applied at most once: a write
     * of our own that `afterWrite` already applied is skipped here.
     */
    catchUp(): Promise<void>;
    private catchUpPass;
    /** Ensures a tenant's index is loaded and at least at `atLeast`. */
    private ready;
    /**
     * Builds a tenant's index from the store at the applied revision, then replays what was
     * applied to the other indexes meanwhile, and only then makes it visible: a half-loaded index
     * must never take part in answers or receive live updates.
     */
    private loadTenant;
    private schema;
    /** The active schema's answer tag, one object per version so that a check allocates none. */
    private activeSchemaAnswer;
    /**
     * Writes a new schema version. Refused, with every reason, when the schema is invalid or when
     * live relationships (in any tenant) would no longer fit it, as SpiceDB refuses it.
     */
    writeSchema(text: string, options?: ActorOptions & {
        file?: string;
    }): Promise<SchemaVersion & {
        readonly warnings: readonly string[];
    }>;
    readSchema(): Promise<SchemaVersion | undefined>;
    /** Applies our own write to the engine, or replays from the store when others wrote too. */
    private afterWrite;
    /** Validates updates against the schema, reporting every bad one with its place. */
    private validateUpdates;
    writeRelationships(tenant: string, updates: readonly RelationshipUpdate[], options?: ActorOptions & {
        placeOf?: (index: number) => Place | undefined;
    }): Promise<WriteResult>;
    private commit;
    readRelationships(tenant: string, filter?: RelationshipFilter, options?: {
        atRevision?: Revision | undefined;
        limit?: number | undefined;
    }): Promise<StoredRelationship[]>;
    /**
     * Imports one tuple a line, all or nothing: every line is parsed and validated before anything
     * is written, and the write is one transaction. Relationships already live are left as they are.
     */
    importRelationships(tenant: string, text: string, options?: ImportOptions): Promise<WriteResult>;
    /** Registers an observer of every answered check; returns the function that removes it. */
    addCheckObserver(observer: CheckObserver): () => void;
    private observed;
    check(tenant: string, request: CheckRequest, consistency?: ConsistencyOptions): Promise<CheckResult>;
    /** Checks many at one revision; all are validated before any is answered. */
    checkBatch(tenant: string, requests: readonly CheckRequest[], consistency?: ConsistencyOptions & {
        placeOf?: (index: number) => Place | undefined;
    }): Promise<{
        results: boolean[];
        revision: Revision;
        schema: SchemaAnswer;
    }>;
    /**
     * Recorded decisions, oldest first. What this process has buffered is written first, so a
     * check answered here is listed at once.
     */
    listDecisions(filter?: DecisionFilter): Promise<DecisionRecord[]>;
    /**
     * Who gained and who lost access through a change (or between two revisions), and which of
     * those accesses were used or denied while it was live, from the decision log. What this
     * process has buffered is written first, so its own checks count.
     */
    incidentReport(selector: IncidentSelector): Promise<IncidentReport>;
    /**
     * Replays the recorded decisions against a change (its schema and/or its data, on a private
     * copy of the indexes) and reports the ones that would answer differently.
     */
    replay(changeId: number, options?: {
        since?: string | undefined;
    }): Promise<ReplayReport>;
    explain(tenant: string, request: CheckRequest, consistency?: ConsistencyOptions): Promise<{
        tree: ExplainNode;
        revision: Revision;
        schema: SchemaAnswer;
    }>;
    lookupResources(tenant: string, resourceType: string, permission: string, subject: SubjectRef, consistency?: ConsistencyOptions): Promise<{
        resources: ObjectRef[];
        revision: Revision;
        schema: SchemaAnswer;
    }>;
    lookupSubjects(tenant: string, resource: ObjectRef, permission: string, subjectType: string, subjectRelation?: string, consistency?: ConsistencyOptions): Promise<{
        subjects: FoundSubject[];
        revision: Revision;
        schema: SchemaAnswer;
    }>;
}
