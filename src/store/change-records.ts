import type { Relationship } from "../model/relationship.js";
import type {
  RelationshipFilter,
  RelationshipUpdate,
  Revision,
  SchemaVersion,
  WriteResult,
} from "./store.js";

/**
 * What the store keeps of changes, approvals, guards and the audit trail. The changes layer owns
 * the meaning; the store keeps the records durable and moves them in the same transactions as
 * the data they describe (an apply writes relationships, the change's state and its audit
 * record as one revision, or nothing).
 */

export type Intent =
  | "grant"
  | "revoke"
  | "cleanup"
  | "migration"
  | "model"
  | "delete"
  | "purge"
  | "restore"
  | "merge"
  | "revert";

export type ChangeState =
  | "proposed"
  | "planned"
  | "approved"
  | "applied"
  | "reverted"
  | "rejected"
  | "withdrawn"
  | "stale";

/** What a change asks for, as proposed. */
export interface ChangeSpec {
  readonly writes: readonly Relationship[];
  readonly deletes: readonly Relationship[];
  readonly deleteWhere: readonly RelationshipFilter[];
  /** A whole new schema version, if the change is (also) a model change. */
  readonly schema: string | null;
}

export interface ChangeRecord {
  /** 1, 2, 3 ... in the order proposed, store-wide. */
  readonly id: number;
  readonly tenant: string;
  readonly intent: Intent;
  readonly reason: string;
  readonly author: string;
  readonly state: ChangeState;
  readonly spec: ChangeSpec;
  readonly createdAt: string;
  /** The latest plan, as the changes layer produced it (opaque JSON to the store). */
  readonly plan: unknown | null;
  /** The revision the latest plan was computed at. */
  readonly baseRevision: Revision | null;
  /** The revision at which the change was applied. */
  readonly appliedRevision: Revision | null;
  /** What the apply did to live relationships, for an exact revert. */
  readonly applied: {
    readonly created: readonly Relationship[];
    readonly deleted: readonly Relationship[];
    readonly schemaVersion: number | null;
  } | null;
  /** For a revert: the change it reverts. For a reverted change: the change that reverted it. */
  readonly revertOf: number | null;
  readonly revertedBy: number | null;
  readonly approvals: readonly Approval[];
}

/**
 * What a list of changes shows of each (`GET /v1/changes`, `change list`): read without the
 * spec, plan and apply record, which can hold every relationship a change touches.
 */
export type ChangeSummary = Pick<
  ChangeRecord,
  | "id"
  | "tenant"
  | "intent"
  | "reason"
  | "author"
  | "state"
  | "createdAt"
  | "baseRevision"
  | "appliedRevision"
  | "revertOf"
  | "revertedBy"
> & {
  /** The change writes the schema (`spec.schema`), so it reaches every tenant. */
  readonly storeWide: boolean;
};

/** Which changes a list shows, newest first. */
export interface ChangeSummaryFilter {
  readonly tenant?: string;
  readonly state?: ChangeState;
  readonly limit?: number;
  /**
   * A tenant-limited token's tenants: only their changes, and none that is store-wide, chosen in
   * the query so that `limit` counts what the token sees.
   */
  readonly visibleTo?: readonly string[];
}

export interface Approval {
  readonly principal: string;
  readonly at: string;
  readonly comment: string | null;
  /**
   * The id of the plan the principal approved (`Plan.planId`). Absent on approvals recorded
   * before plans had ids; those count only under the old rule (given after the plan was made).
   */
  readonly plan?: string;
}

export interface NewChange {
  readonly tenant: string;
  readonly intent: Intent;
  readonly reason: string;
  readonly author: string;
  readonly spec: ChangeSpec;
  readonly revertOf?: number | undefined;
}

/** The fields a step of the lifecycle may set. */
export interface ChangeUpdate {
  readonly state?: ChangeState;
  readonly plan?: unknown;
  readonly baseRevision?: Revision;
  readonly revertedBy?: number;
}

/**
 * One audit record. The shape is stable on purpose: records are chained by hash over these
 * fields (see `common/audit-chain.ts`), so they never change meaning.
 */
export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  /** `change.propose`, `change.plan`, `change.approve`, `change.apply`, `change.revert`, `schema.write`, `guards.write` ... */
  readonly action: string;
  /** The tenant concerned, or null for store-wide acts. */
  readonly tenant: string | null;
  /** What the act was on: `change:12`, `schema`, `guards`. */
  readonly target: string;
  readonly reason: string | null;
  /** The store revision the act produced or was taken at. */
  readonly revision: Revision | null;
  /** Anything else worth keeping, as JSON. */
  readonly details: unknown;
  /** SHA-256 (hex) of this record's fields and `previousHash`; null only on a tampered row. */
  readonly hash: string | null;
  /**
   * The hash of the record before it in its chain (its tenant's, or the store-wide one when it
   * has no tenant); a chain's first record links to the last record written before chains, or
   * to nothing (null) in a store that had none.
   */
  readonly previousHash: string | null;
  /** The record's place in its chain, from 1, gap-free; null for a record written before chains. */
  readonly chainSeq: number | null;
}

export type NewAuditRecord = Omit<
  AuditRecord,
  "seq" | "at" | "revision" | "hash" | "previousHash" | "chainSeq"
> & {
  readonly revision?: Revision | null;
};

export type AuditProblem = "altered" | "removed" | "reordered" | "inserted";

/** What `verifyAudit` found: every record intact, or the first one a person must look at. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Records found intact (all of them when `ok`; those before the first bad one otherwise). */
  readonly checked: number;
  readonly firstBad?: {
    readonly seq: number;
    readonly problem: AuditProblem;
    /** Names the record: `record 12 (change.apply on change:3 by ann at ...) was altered: ...`. */
    readonly message: string;
  };
}

export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly tenant?: string;
  readonly target?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
}

export interface GuardsVersion {
  readonly version: number;
  readonly text: string;
  readonly author: string;
  readonly createdAt: string;
}

/** What an apply writes, in one transaction. */
export interface ApplyInput {
  readonly changeId: number;
  readonly tenant: string;
  readonly updates: readonly RelationshipUpdate[];
  /** A new schema version written in the same revision. */
  readonly schema: string | null;
  readonly actor: string;
  readonly reason: string | null;
  /**
   * The apply fails with a `conflict` error, writing nothing, when any relationship whose
   * resource or subject object is one of these (`type:id`) was written after `baseRevision`, or
   * when any schema was written after it: the plan no longer describes what would happen.
   */
  readonly region: {
    readonly baseRevision: Revision;
    readonly objects: readonly string[];
    readonly schemaSensitive: boolean;
  };
  /** Appended to the audit log in the same transaction (revision filled in by the store). */
  readonly audit: NewAuditRecord;
}

export interface ApplyResult extends WriteResult {
  readonly schemaVersion: SchemaVersion | null;
  readonly change: ChangeRecord;
}

export interface ChangeStore {
  /**
   * Stores a proposed change and its audit record together; returns it with its new id. The
   * audit record's target is set to `change:<id>`, which the caller cannot know yet.
   */
  createChange(change: NewChange, audit: NewAuditRecord): Promise<ChangeRecord>;
  getChange(id: number): Promise<ChangeRecord | undefined>;
  listChanges(filter?: { tenant?: string; state?: ChangeState; limit?: number }): Promise<ChangeRecord[]>;
  /** `listChanges`, summaries only: the large columns are not read. */
  listChangeSummaries(filter?: ChangeSummaryFilter): Promise<ChangeSummary[]>;
  /** Updates a change and appends an audit record in one transaction. */
  updateChange(id: number, update: ChangeUpdate, audit: NewAuditRecord): Promise<ChangeRecord>;
  /**
   * Records an approval of the plan `plan` names (one per principal and plan; a second by the
   * same principal of the same plan is a `conflict`). A principal may approve each new plan of
   * a change again: an approval counts only for the plan it names.
   */
  addApproval(
    id: number,
    principal: string,
    comment: string | null,
    audit: NewAuditRecord,
    plan?: string | null,
  ): Promise<ChangeRecord>;
  /**
   * Applies a change: checks the region for staleness, writes the relationship updates (and the
   * schema) as ONE new revision, marks the change `applied` with what it did, and audits it.
   * All or nothing.
   */
  applyChange(input: ApplyInput): Promise<ApplyResult>;

  writeGuards(text: string, author: string, audit: NewAuditRecord): Promise<GuardsVersion>;
  /** The newest guards, if any were written. */
  readGuards(): Promise<GuardsVersion | undefined>;

  appendAudit(record: NewAuditRecord): Promise<AuditRecord>;
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  /**
   * Walks the whole log in seq order and checks every chain (one per tenant, one store-wide)
   * against its head: finds a record edited, removed (the last ones of a chain too), reordered or
   * slipped in behind Gatehouse's back, and names the chain where a record is missing.
   */
  verifyAudit(): Promise<AuditVerification>;
}
