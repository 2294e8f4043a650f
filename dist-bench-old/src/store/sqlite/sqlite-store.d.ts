import type { Relationship } from "../../model/relationship.js";
import type { ApplyInput, ApplyResult, AuditFilter, AuditRecord, AuditVerification, ChangeRecord, ChangeState, ChangeUpdate, GuardsVersion, NewAuditRecord, NewChange } from "../change-records.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { LifecycleRecord, LifecycleStore, NewLifecycleRecord, PurgeInput, RetentionSetting } from "../lifecycle-records.js";
import type { NewRollout, RolloutRecord, RolloutUpdate } from "../rollout-records.js";
import type { ShadowObservations, ShadowSession, ShadowTally } from "../shadow-records.js";
import type { RelationshipFilter, RelationshipShape, RelationshipUpdate, Revision, RevisionEvent, SchemaVersion, Store, StoredRelationship, WriteOptions, WriteResult } from "../store.js";
import type { Role, TokenRecord } from "../token-records.js";
export interface SqliteStoreOptions {
    /** How long to wait for another process's write lock before failing, in milliseconds. */
    readonly busyTimeoutMs?: number;
    /** How often `watch` looks at the file for revisions written by other processes. */
    readonly watchPollMs?: number;
    /** The clock recorded with revisions, changes, approvals, guards and audit records; tests fix it. */
    readonly now?: () => Date;
}
/**
 * The embedded store: the parts in this folder over one connection, each method one
 * transaction. The methods are async only to match the interface that PostgreSQL needs.
 */
export declare class SqliteStore implements Store {
    #private;
    readonly kind: "sqlite";
    private constructor();
    static open(path: string, options?: SqliteStoreOptions): SqliteStore;
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
    /**
     * The audit record's target is set to the new change (`change:<id>`): the caller cannot know
     * the id before the insert, and the record must name it.
     */
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
    readShadow(sessionId: number): Promise<ShadowObservations>;
    appendDecisions(records: readonly NewDecision[]): Promise<number>;
    listDecisions(filter?: DecisionFilter): Promise<DecisionRecord[]>;
    purgeDecisions(olderThan: string): Promise<number>;
    /**
     * Polls the head: another process's commit to the file is only visible by reading it. A write
     * through this store is seen by the same poll, which keeps one path for both.
     */
    watch(listener: (head: Revision) => void): () => void;
    close(): Promise<void>;
}
