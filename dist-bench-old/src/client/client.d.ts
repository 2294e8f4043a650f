/**
 * A typed client for Gatehouse's HTTP API. It has no dependencies beyond `fetch` (Node 20+,
 * browsers), and it keeps the newest revision it has seen: with `consistency: "session"` every
 * query asks for at least that revision, so a caller always reads its own writes, even when
 * its requests land on different nodes.
 */
export interface ClientOptions {
    /** e.g. `http://127.0.0.1:8080` */
    readonly url: string;
    /** A token secret (`gatehouse token create`). */
    readonly token: string;
    /** `session` (default): read your own writes; `none`: whatever the node has. */
    readonly consistency?: "session" | "none";
    readonly fetch?: typeof fetch;
}
export interface CheckInput {
    /** `document:readme` */
    readonly resource: string;
    readonly permission: string;
    /** `user:ann`, `group:eng#member` */
    readonly subject: string;
}
export type UpdateOperation = "create" | "touch" | "delete";
/** Which schema answered a query: the active version, or a rollout's candidate (its change id). */
export type SchemaAnswer = {
    readonly version: number;
} | {
    readonly candidate: number;
};
export interface RolloutView {
    readonly id: number;
    readonly changeId: number;
    readonly state: "running" | "completed" | "rolled_back";
    readonly step: number;
    readonly tenants: readonly string[];
    readonly percent: number;
    readonly monitor: {
        readonly margin: number;
        readonly windowSeconds: number;
        readonly minChecks: number;
    };
    readonly startedAt: string;
    readonly startedBy: string;
    readonly updatedAt: string;
    readonly endedAt: string | null;
    readonly endedBy: string | null;
    readonly endReason: string | null;
    readonly trip: Record<string, unknown> | null;
}
export interface RolloutStatusView {
    readonly rollout: RolloutView | null;
    readonly rolledOut: readonly string[];
    readonly next: string | null;
    readonly windows: ReadonlyArray<{
        permission: string;
        checks: number;
        candidateDenies: number;
        baselineDenies: number;
        windowStartedAt: string;
    }>;
}
export interface ApiErrorBody {
    readonly kind: string;
    readonly message: string;
    readonly place?: unknown;
    readonly details?: unknown[];
}
/** A non-2xx answer: `status` and the server's error body. `retryable` for 503s. */
export declare class GatehouseApiError extends Error {
    readonly status: number;
    readonly body: ApiErrorBody;
    constructor(status: number, body: ApiErrorBody);
    get retryable(): boolean;
}
export interface AccessRow {
    readonly tenant: string;
    readonly resource: string;
    readonly permission: string;
    readonly subject: string;
    readonly except?: readonly string[];
}
export interface PlanView {
    readonly id: number;
    readonly tenant: string;
    readonly state: string;
    readonly baseRevision: number;
    readonly gained: readonly AccessRow[];
    readonly lost: readonly AccessRow[];
    readonly guards: ReadonlyArray<{
        name: string;
        kind: string;
        passed: boolean;
        message: string;
    }>;
    readonly approvals: {
        readonly needed: number;
        readonly given: number;
        readonly by: readonly string[];
    };
    readonly blocked: boolean;
    readonly blockedBecause: readonly string[];
    /** For a subject or tenant deletion: what it holds and who else loses access. */
    readonly deletion?: Record<string, unknown>;
    /** For a merge: FROM, INTO and what INTO gains. */
    readonly merge?: Record<string, unknown>;
    /** For a purge: the export bundle (path, SHA-256) and what goes for good. */
    readonly purge?: Record<string, unknown>;
}
/** A change a lifecycle route proposed; plan, approve and apply it with the change methods. */
export interface LifecycleProposalView {
    readonly id: number;
    readonly tenant: string;
    readonly intent: string;
    readonly state: string;
    readonly reason: string;
    readonly purge?: {
        readonly export: {
            readonly path: string;
            readonly sha256: string;
            readonly bytes: number;
        };
    };
}
export interface RetentionView {
    readonly days: number;
    readonly setBy: string | null;
    readonly setAt: string | null;
}
export interface AuditRecordView {
    readonly seq: number;
    readonly at: string;
    readonly actor: string;
    readonly action: string;
    readonly tenant: string | null;
    readonly target: string;
    readonly reason: string | null;
    readonly revision: number | null;
    readonly details: unknown;
    readonly hash: string | null;
    readonly previousHash: string | null;
}
export interface AuditVerificationView {
    readonly ok: boolean;
    readonly checked: number;
    readonly firstBad?: {
        readonly seq: number;
        readonly problem: string;
        readonly message: string;
    };
}
export declare class GatehouseClient {
    private readonly url;
    private readonly token;
    private readonly session;
    private readonly fetcher;
    /** The newest revision this client has written or been answered at. */
    revision: number;
    constructor(options: ClientOptions);
    private consistency;
    private seen;
    request<T>(method: string, path: string, body?: unknown): Promise<T>;
    private tenantPath;
    check(tenant: string, input: CheckInput): Promise<{
        allowed: boolean;
        revision: number;
        schema: SchemaAnswer;
    }>;
    checkMany(tenant: string, checks: readonly CheckInput[]): Promise<{
        results: boolean[];
        revision: number;
        schema: SchemaAnswer;
    }>;
    explain(tenant: string, input: CheckInput): Promise<{
        allowed: boolean;
        revision: number;
        schema: SchemaAnswer;
        explain: unknown;
    }>;
    lookupResources(tenant: string, resourceType: string, permission: string, subject: string): Promise<{
        resources: string[];
        revision: number;
        schema: SchemaAnswer;
    }>;
    lookupSubjects(tenant: string, resource: string, permission: string, subjectType: string, subjectRelation?: string): Promise<{
        subjects: Array<{
            subject: string;
            excluded: string[];
        }>;
        revision: number;
        schema: SchemaAnswer;
    }>;
    writeRelationships(tenant: string, updates: ReadonlyArray<{
        operation: UpdateOperation;
        relationship: string;
    }>): Promise<{
        revision: number;
        created: string[];
        deleted: string[];
    }>;
    readRelationships(tenant: string, filter?: {
        resource?: string;
        relation?: string;
        subject?: string;
        atRevision?: number;
    }): Promise<{
        relationships: Array<{
            relationship: string;
            createdRevision: number;
        }>;
    }>;
    importRelationships(tenant: string, lines: string): Promise<{
        revision: number;
        created: number;
    }>;
    readSchema(): Promise<{
        schema: string | null;
        version: number | null;
        revision: number | null;
    }>;
    writeSchema(schema: string): Promise<{
        version: number;
        revision: number;
    }>;
    proposeChange(tenant: string, file: string): Promise<{
        id: number;
        state: string;
    }>;
    planChange(id: number): Promise<PlanView>;
    approveChange(id: number, comment?: string): Promise<PlanView>;
    applyChange(id: number): Promise<{
        id: number;
        state: string;
        revision: number;
    }>;
    revertChange(id: number, reason?: string): Promise<PlanView & {
        applied: boolean;
    }>;
    getChange(id: number): Promise<Record<string, unknown>>;
    /** Proposes the soft deletion of a subject (`account:a1`) in a tenant. */
    deleteSubject(tenant: string, subject: string, reason?: string): Promise<LifecycleProposalView>;
    restoreSubject(tenant: string, subject: string, reason?: string): Promise<LifecycleProposalView>;
    /** Writes the export bundle (on the server) and proposes the purge; refused inside the retention window. */
    purgeSubject(tenant: string, subject: string, reason?: string): Promise<LifecycleProposalView>;
    mergeSubject(tenant: string, from: string, into: string, reason?: string): Promise<LifecycleProposalView>;
    deleteTenant(tenant: string, reason?: string): Promise<LifecycleProposalView>;
    restoreTenant(tenant: string, reason?: string): Promise<LifecycleProposalView>;
    purgeTenant(tenant: string, reason?: string): Promise<LifecycleProposalView>;
    retention(): Promise<RetentionView>;
    setRetention(days: number, reason?: string): Promise<RetentionView>;
    startRollout(input: {
        changeId: number;
        tenants?: string[];
        percent?: number;
        margin?: number;
        windowSeconds?: number;
        minChecks?: number;
        reason?: string;
    }): Promise<RolloutView>;
    promoteRollout(input?: {
        tenants?: string[];
        percent?: number;
        all?: boolean;
        reason?: string;
    }): Promise<RolloutView & {
        revision?: number;
    }>;
    rollbackRollout(reason?: string): Promise<RolloutView>;
    rolloutStatus(): Promise<RolloutStatusView>;
    /** Audit records, oldest first (the server returns at most 1000 unless `limit` says otherwise). */
    listAudit(filter?: {
        actor?: string;
        action?: string;
        tenant?: string;
        since?: string;
        until?: string;
        limit?: number;
    }): Promise<{
        records: AuditRecordView[];
    }>;
    /** Walks the audit log's hash chain: `ok`, or the first record edited, removed or reordered. */
    verifyAudit(): Promise<AuditVerificationView>;
    startShadow(change: number, reason?: string): Promise<ShadowSessionView>;
    stopShadow(reason?: string): Promise<ShadowSessionView>;
    /** The running session's report, else the newest (or the one named). */
    shadowReport(session?: number): Promise<ShadowReportView>;
    /** Replays recorded decisions (of the last `since`, e.g. `24h`) against a change. */
    replay(change: number, since?: string): Promise<DivergenceReportView & {
        revision: number;
        distinct: number;
        evaluated: number;
    }>;
    /** A tenant's recorded checks, oldest first, filtered (at most `limit`, default 1000). */
    decisions(tenant: string, filter?: DecisionFilterView): Promise<{
        decisions: DecisionView[];
    }>;
    /**
     * Who gained and who lost access through a change (or between two revisions), per tenant,
     * and which of those accesses were used or denied while it was live.
     */
    incidentReport(selector: {
        change: number;
    } | {
        fromRevision: number;
        toRevision: number;
    }): Promise<IncidentReportView>;
}
export interface DecisionFilterView {
    readonly resource?: string;
    readonly permission?: string;
    readonly subject?: string;
    readonly result?: "allowed" | "denied";
    readonly since?: string;
    readonly until?: string;
    readonly fromRevision?: number;
    readonly toRevision?: number;
    readonly afterSeq?: number;
    readonly limit?: number;
}
export interface DecisionView {
    readonly seq: number;
    readonly at: string;
    readonly tenant: string;
    readonly resource: {
        readonly type: string;
        readonly id: string;
    };
    readonly permission: string;
    readonly subject: {
        readonly type: string;
        readonly id: string;
        readonly relation?: string;
    };
    readonly allowed: boolean;
    readonly revision: number;
}
export interface IncidentAccessView {
    readonly resource: string;
    readonly permission: string;
    readonly subject: string;
    readonly checks: number;
    readonly first: string;
    readonly last: string;
}
export interface IncidentReportView {
    readonly change: {
        readonly id: number;
        readonly intent: string;
        readonly reason: string;
        readonly author: string;
    } | null;
    readonly fromRevision: number;
    readonly toRevision: number;
    readonly window: {
        readonly fromRevision: number;
        readonly toRevision: number | null;
        readonly since: string | null;
        readonly until: string | null;
        /** The change that undid it (its revert, or the restore of a deletion), or null. */
        readonly revertedBy: number | null;
        readonly endedBy: "revert" | "restore" | null;
    };
    readonly checksRead: number;
    readonly tenants: ReadonlyArray<{
        readonly tenant: string;
        readonly gained: ReadonlyArray<{
            resource: string;
            permission: string;
            subject: string;
            except?: string[];
        }>;
        readonly lost: ReadonlyArray<{
            resource: string;
            permission: string;
            subject: string;
            except?: string[];
        }>;
        readonly used: readonly IncidentAccessView[];
        readonly denied: readonly IncidentAccessView[];
    }>;
}
export interface ShadowSessionView {
    readonly session: number;
    readonly candidate: {
        readonly change: number;
    };
    readonly running: boolean;
    readonly since: string;
    readonly until: string | null;
    readonly startedBy: string;
    readonly stoppedBy: string | null;
}
/** What shadow reports and replays share: which checks the candidate answers differently. */
export interface DivergenceReportView {
    readonly checks: number;
    readonly since: string | null;
    readonly until: string | null;
    readonly candidate: {
        readonly change: number;
    };
    readonly wouldBlock: number;
    readonly wouldAllow: number;
    readonly byPermission: ReadonlyArray<{
        tenant: string;
        permission: string;
        wouldBlock: number;
        wouldAllow: number;
    }>;
    readonly divergences: ReadonlyArray<{
        tenant: string;
        resource: string;
        permission: string;
        subject: string;
        active: boolean;
        candidate: boolean;
        count: number;
    }>;
    readonly truncated: boolean;
}
export interface ShadowReportView extends DivergenceReportView {
    readonly session: number;
    readonly running: boolean;
    readonly startedBy: string;
    readonly stoppedBy: string | null;
}
