import type { Relationship } from "../../model/relationship.js";
import type { ApplyInput, ApplyResult, AuditFilter, AuditRecord, AuditVerification, ChangeRecord, ChangeState, ChangeUpdate, GuardsVersion, NewAuditRecord, NewChange } from "../change-records.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { LifecycleRecord, LifecycleStore, NewLifecycleRecord, PurgeInput, RetentionSetting } from "../lifecycle-records.js";
import type { NewRollout, RolloutRecord, RolloutUpdate } from "../rollout-records.js";
import type { ShadowObservations, ShadowSession, ShadowTally } from "../shadow-records.js";
import type { RelationshipFilter, RelationshipShape, RelationshipUpdate, Revision, RevisionEvent, SchemaVersion, Store, StoredRelationship, WriteOptions, WriteResult } from "../store.js";
import type { Role, TokenRecord } from "../token-records.js";
import { type PoolOptions } from "./connection.js";
export interface PostgresStoreOptions extends PoolOptions {
    /** The clock recorded with revisions, changes, approvals, guards and audit records; tests fix it. */
    readonly now?: () => Date;
    /** How often `watch` polls the head besides listening, in case a notification was lost. */
    readonly watchPollMs?: number;
}
/**
 * The store for several nodes: the parts in this folder over one pool, each method one
 * transaction, with the SQLite store's behaviour case for case (the conformance suite holds both
 * to it). Writers on all nodes are serialised on the revision counter (`revisions.ts`); readers
 * never wait for them.
 */
export declare class PostgresStore implements Store {
    #private;
    readonly kind: "postgres";
    private constructor();
    /**
     * Connects (an unreachable server is an `unavailable` error naming host and port), creates the
     * schema if needed and brings it up to date.
     */
    static open(url: string, options?: PostgresStoreOptions): Promise<PostgresStore>;
    headRevision(): Promise<Revision>;
    tenants(): Promise<string[]>;
    writeRelationships(tenant: string, updates: readonly RelationshipUpdate[], options?: WriteOptions): Promise<WriteResult>;
    readRelationships(tenant: string, filter?: RelationshipFilter, options?: {
        atRevision?: Revision | undefined;
        limit?: number | undefined;
    }): Promise<StoredRelationship[]>;
    scanTenant(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]>;
    relationshipShapes(): Promise<RelationshipShape[]>;
    writeSchema(text: string, options?: WriteOptions): Promise<SchemaVersion>;
    readSchema(atRevision?: Revision): Promise<SchemaVersion | undefined>;
    listSchemaVersions(): Promise<SchemaVersion[]>;
    revisionTime(revision: Revision): Promise<string | undefined>;
    revisionsSince(afterRevision: Revision, limit?: number): Promise<RevisionEvent[]>;
    /** See the SQLite store: the record's target names the new change. */
    createChange(change: NewChange, audit: NewAuditRecord): Promise<ChangeRecord>;
    createLifecycleChange(change: NewChange, lifecycle: NewLifecycleRecord, audit: NewAuditRecord): Promise<{
        change: ChangeRecord;
        lifecycle: LifecycleRecord;
    }>;
    getLifecycle(changeId: number): Promise<LifecycleRecord | undefined>;
    listLifecycle(filter?: Parameters<LifecycleStore["listLifecycle"]>[0]): Promise<LifecycleRecord[]>;
    readRetention(): Promise<RetentionSetting>;
    writeRetention(days: number, actor: string, audit: NewAuditRecord): Promise<RetentionSetting>;
    relationshipHistory(tenant: string, relationships: readonly Relationship[]): Promise<StoredRelationship[]>;
    purgeRelationships(input: PurgeInput, audit: NewAuditRecord): Promise<{
        removed: number;
        revision: Revision;
        change: ChangeRecord;
    }>;
    getChange(id: number): Promise<ChangeRecord | undefined>;
    listChanges(filter?: {
        tenant?: string;
        state?: ChangeState;
        limit?: number;
    }): Promise<ChangeRecord[]>;
    updateChange(id: number, update: ChangeUpdate, audit: NewAuditRecord): Promise<ChangeRecord>;
    addApproval(id: number, principal: string, comment: string | null, audit: NewAuditRecord): Promise<ChangeRecord>;
    applyChange(input: ApplyInput): Promise<ApplyResult>;
    writeGuards(text: string, author: string, audit: NewAuditRecord): Promise<GuardsVersion>;
    readGuards(): Promise<GuardsVersion | undefined>;
    appendAudit(record: NewAuditRecord): Promise<AuditRecord>;
    listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
    verifyAudit(): Promise<AuditVerification>;
    createToken(token: {
        name: string;
        role: Role;
        tenants: readonly string[] | null;
        secretHash: string;
    }, audit: NewAuditRecord): Promise<TokenRecord>;
    listTokens(): Promise<TokenRecord[]>;
    revokeToken(name: string, audit: NewAuditRecord): Promise<TokenRecord>;
    findToken(secretHash: string): Promise<TokenRecord | undefined>;
    startRollout(rollout: NewRollout, audit: NewAuditRecord): Promise<RolloutRecord>;
    latestRollout(): Promise<RolloutRecord | undefined>;
    updateRollout(id: number, expectedVersion: number, update: RolloutUpdate, audit: NewAuditRecord): Promise<RolloutRecord>;
    startShadow(input: {
        changeId: number;
        schema: string;
        actor: string;
    }, audit: NewAuditRecord): Promise<ShadowSession>;
    stopShadow(actor: string, audit: NewAuditRecord): Promise<ShadowSession>;
    runningShadow(): Promise<ShadowSession | undefined>;
    getShadow(id?: number): Promise<ShadowSession | undefined>;
    addShadowTally(sessionId: number, tally: ShadowTally): Promise<void>;
    /** In one transaction, so the session's totals and its rows are of one moment. */
    readShadow(sessionId: number): Promise<ShadowObservations>;
    appendDecisions(records: readonly NewDecision[]): Promise<number>;
    listDecisions(filter?: DecisionFilter): Promise<DecisionRecord[]>;
    purgeDecisions(olderThan: string): Promise<number>;
    /**
     * LISTEN/NOTIFY for speed, a poll every `watchPollMs` for safety. A listener is told of heads
     * after the newest this store had seen when it started watching: a follower that catches up
     * with `revisionsSince` on every call misses nothing, and at worst looks once for nothing.
     */
    watch(listener: (head: Revision) => void): () => void;
    close(): Promise<void>;
}
