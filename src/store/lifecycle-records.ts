import type { Relationship } from "../model/relationship.js";
import type { ChangeRecord, ChangeSpec, NewAuditRecord, NewChange } from "./change-records.js";
import type { Revision, StoredRelationship } from "./store.js";

/**
 * What the store keeps of the lifecycle of subjects and tenants: which changes delete, restore,
 * merge or purge what, the retention window, and the hard deletion of relationship rows. The
 * changes layer (`src/changes/deletion.ts`, `purge.ts`) owns the meaning.
 */

/** Deleted data stays restorable this long unless the store says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

export type LifecycleKind = "delete" | "restore" | "merge" | "purge";
export type LifecycleScope = "subject" | "tenant";

/** Links a change to the subject (`account:a1`) or tenant it deletes, restores, merges or purges. */
export interface LifecycleRecord {
  readonly changeId: number;
  readonly kind: LifecycleKind;
  readonly scope: LifecycleScope;
  readonly tenant: string;
  /** `type:id` for a subject, the tenant's name for a tenant. */
  readonly target: string;
  /** Kind-specific facts as JSON: a purge's export path and SHA-256, a merge's `into`. */
  readonly details: unknown;
}

export type NewLifecycleRecord = Omit<LifecycleRecord, "changeId">;

export interface RetentionSetting {
  readonly days: number;
  /** Null while the default is in force. */
  readonly setBy: string | null;
  readonly setAt: string | null;
}

export interface PurgeInput {
  readonly changeId: number;
  readonly tenant: string;
  /** Tuples whose rows (every revision of them) are removed; none may be live. */
  readonly relationships: readonly Relationship[];
  /** The plan to store with the change as it becomes `applied`. */
  readonly plan: unknown;
  /** Records rewritten in the same transaction so that none names what is purged any longer. */
  readonly scrub?: PurgeScrub;
}

/**
 * What a purge rewrites besides removing rows (the changes layer decides the new contents, see
 * `src/changes/purge-scrub.ts`): changes that named the purged relationships or subject, their
 * approvals' comments, their lifecycle records and the reasons recorded with revisions. The
 * audit log is never rewritten: its records are hash-chained.
 */
export interface PurgeScrub {
  readonly changes: readonly {
    readonly id: number;
    readonly reason: string;
    readonly spec: ChangeSpec;
    readonly plan: unknown | null;
    readonly applied: ChangeRecord["applied"];
    /** Approvals' comments rewritten, by principal and the plan they name ('' for none). */
    readonly comments: readonly {
      readonly principal: string;
      readonly plan: string;
      readonly comment: string;
    }[];
  }[];
  readonly lifecycle: readonly {
    readonly changeId: number;
    readonly target: string;
    readonly details: unknown;
  }[];
  readonly revisions: readonly { readonly revision: Revision; readonly reason: string }[];
}

export interface LifecycleStore {
  /** Stores a proposed change, its lifecycle record and its audit record in one transaction. */
  createLifecycleChange(
    change: NewChange,
    lifecycle: NewLifecycleRecord,
    audit: NewAuditRecord,
  ): Promise<{ change: ChangeRecord; lifecycle: LifecycleRecord }>;
  getLifecycle(changeId: number): Promise<LifecycleRecord | undefined>;
  /** Oldest first. */
  listLifecycle(filter?: {
    tenant?: string;
    kind?: LifecycleKind;
    scope?: LifecycleScope;
    target?: string;
  }): Promise<LifecycleRecord[]>;

  /** The retention window in force (the default when none was set). */
  readRetention(): Promise<RetentionSetting>;
  /** Sets the retention window (whole days, 1 or more) and audits it in one transaction. */
  writeRetention(days: number, actor: string, audit: NewAuditRecord): Promise<RetentionSetting>;

  /** Every row (live and deleted, every revision) of these tuples in a tenant, for an export. */
  relationshipHistory(tenant: string, relationships: readonly Relationship[]): Promise<StoredRelationship[]>;
  /**
   * Physically removes every row of the tuples, writes a revision of kind `purge` for the tenant
   * (its event says `purged`), marks the change `applied` with the plan and appends the audit
   * record at that revision, in one transaction. A tuple live again is a `conflict` and nothing
   * is removed. Returns how many rows went.
   *
   * Revision events are read from the rows, so the deletes of purged rows vanish from history;
   * the purge's own event tells a follower still behind them to reload the tenant.
   */
  purgeRelationships(
    input: PurgeInput,
    audit: NewAuditRecord,
  ): Promise<{ removed: number; revision: Revision; change: ChangeRecord }>;

  /**
   * Physically removes every relationship row (live or deleted, in every tenant) whose expiration
   * is at or before `expiredBy` (an RFC 3339 time: the clock less the retention window), and
   * appends the audit record with the count (none when nothing went), in one transaction.
   * Returns how many rows went.
   *
   * No revision is written and no follower need reload: an expired relationship is invisible at
   * every revision already (reads and scans leave it out as of the clock), so its rows going
   * changes no answer; an index that still holds one never answers with it either.
   */
  collectExpiredRelationships(expiredBy: string, audit: NewAuditRecord): Promise<number>;
}
