import type { Relationship } from "../model/relationship.js";
import type { ChangeStore } from "./change-records.js";
import type { WritePrecondition } from "./common/write-preconditions.js";
import type { DecisionStore } from "./decision-records.js";
import type { LifecycleStore } from "./lifecycle-records.js";
import type { NodeStore } from "./node-records.js";
import type { RolloutStore } from "./rollout-records.js";
import type { ShadowStore } from "./shadow-records.js";
import type { TokenStore } from "./token-records.js";

/**
 * The storage interface every backend implements (SQLite now, PostgreSQL next) and the one
 * conformance suite in `test/store/` exercises. Nothing here is updated in place: a relationship
 * row is written once with the revision that created it and later stamped with the revision that
 * deleted it, so every past revision stays readable.
 *
 * Revisions are store-wide: one sequence for all tenants, so that "at least revision R" means the
 * same thing on every node and every tenant.
 */

export type Revision = number;

/** The tenant of store-wide revisions (schema writes); no real tenant name can be empty. */
export const STORE_WIDE_TENANT = "";

export interface StoredRelationship extends Relationship {
  readonly tenant: string;
  readonly createdRevision: Revision;
  /** `null` while the relationship is live. */
  readonly deletedRevision: Revision | null;
}

/**
 * SpiceDB's update operations: `create` fails when the relationship is already live, `touch`
 * writes it whether or not it is, `delete` removes a live one (and fails when there is none,
 * because a delete of nothing is usually a mistake in the caller's data).
 */
export type UpdateOperation = "create" | "touch" | "delete";

export interface RelationshipUpdate {
  readonly operation: UpdateOperation;
  readonly relationship: Relationship;
}

/** Selects relationships; every field is optional and fields combine with AND. */
export interface RelationshipFilter {
  readonly resourceType?: string | undefined;
  readonly resourceId?: string | undefined;
  readonly relation?: string | undefined;
  readonly subjectType?: string | undefined;
  readonly subjectId?: string | undefined;
  /** `null` selects subjects without a relation (`#...`); `undefined` selects any. */
  readonly subjectRelation?: string | null | undefined;
}

export interface ReadOptions {
  readonly atRevision?: Revision | undefined;
  readonly limit?: number | undefined;
  /** Only relationships after this one in tuple order: the last of the page before. */
  readonly after?: Relationship | undefined;
}

/** What a write did to the live set, as the indexes need to follow it. */
export interface WriteResult {
  readonly revision: Revision;
  /** Relationships that became live (a `touch` of a live relationship is not listed). */
  readonly created: readonly Relationship[];
  /** Relationships that stopped being live. */
  readonly deleted: readonly Relationship[];
}

/** Relationships of an import, each with the line of the input that named it. */
export interface ImportBatch {
  readonly relationships: readonly Relationship[];
  /** 1-based, one per relationship. */
  readonly lines: readonly number[];
}

/** A relationship an import names twice: its position in the batch, and the line that named it first. */
export interface ImportRepeat {
  readonly at: number;
  readonly firstLine: number;
}

export interface ImportWriteOptions extends WriteOptions {
  /** The input's name, for the places of errors. */
  readonly file?: string | undefined;
  /** Called after each batch is staged, with the relationships in it that an earlier line named. */
  readonly staged?: ((repeats: readonly ImportRepeat[]) => void) | undefined;
  /**
   * Called after the last batch, before anything goes live: throwing ends the import with
   * nothing written (a bad line, a guard that refuses it). The store is not held meanwhile.
   */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
  /**
   * Refuse the whole import (a conflict with reason `already_exists`, nothing written) when a
   * relationship in it is live already, as SpiceDB's bulk import does; by default such a
   * relationship is left as it is (or replaced when its caveat or expiration differs).
   */
  readonly refuseLive?: boolean | undefined;
}

/** An import's revision and how many relationships it made live (not the list: it may be millions). */
export interface ImportWriteResult {
  readonly revision: Revision;
  readonly created: number;
}

export interface SchemaVersion {
  /** 1, 2, 3 ... in the order written. */
  readonly version: number;
  readonly revision: Revision;
  readonly text: string;
  readonly createdAt: string;
  readonly author: string | null;
}

/** One step of the store's history, for followers (the indexes, other nodes) to replay. */
export interface RevisionEvent {
  readonly revision: Revision;
  /** The tenant written, or `STORE_WIDE_TENANT` for a store-wide write such as a schema version. */
  readonly tenant: string;
  readonly created: readonly Relationship[];
  readonly deleted: readonly Relationship[];
  /** Set when this revision wrote a new schema version. */
  readonly schemaVersion: number | null;
  /**
   * Set on a purge's revision: rows of the tenant were removed for good, and with them the
   * events of the revisions that created and deleted them. A follower whose index of the tenant
   * was behind those revisions must reload it.
   */
  readonly purged?: true;
  /**
   * Set when the feed was asked for other tenants only (`FeedOptions.tenants`): the revision's
   * number and tenant, with no relationships read, so that a follower still moves past it.
   */
  readonly unread?: true;
  /**
   * Set on a number that no revision holds: a write took it and rolled back (PostgreSQL,
   * `revisions.ts`). It wrote nothing; a follower moves past it.
   */
  readonly skipped?: true;
}

/** What a follower asks of the feed (`revisionsSince`). */
export interface FeedOptions {
  /**
   * Only these tenants' relationships are read; every other tenant's revision comes as a marker
   * (`unread`, no relationships). Store-wide events (schema versions) and purges are told in
   * full as always. Left out: every tenant's relationships.
   */
  readonly tenants?: readonly string[] | undefined;
}

/** A tenant's index snapshot as the store keeps it (see src/engine/index-snapshot.ts). */
export interface IndexSnapshotRecord {
  readonly tenant: string;
  /** The revision the index reflected. */
  readonly revision: Revision;
  /** The snapshot's format version, so that one of another version is not even read. */
  readonly format: number;
  readonly createdAt: string;
  /** Its size, in bytes. */
  readonly bytes: number;
}

export interface StoredIndexSnapshot extends Omit<IndexSnapshotRecord, "bytes"> {
  readonly bytes: Uint8Array;
  /** The file beside the store the bytes were read from (SQLite), when they were. */
  readonly file?: string | undefined;
  /** A file beside the store that was not used, and why (the bytes are the store's copy). */
  readonly fileIgnored?: { readonly path: string; readonly reason: string } | undefined;
}

export interface RelationshipShape {
  readonly resourceType: string;
  readonly relation: string;
  readonly subjectType: string;
  /** `null` for subjects without a relation; `*` wildcards have subjectWildcard set. */
  readonly subjectRelation: string | null;
  readonly subjectWildcard: boolean;
  /** The caveat the relationships carry, `null` for none. */
  readonly caveatName: string | null;
  /** Whether they carry an expiration. */
  readonly expiration: boolean;
  readonly count: number;
}

export interface WriteOptions {
  /** The principal recorded with the revision. */
  readonly actor?: string | undefined;
  /** Why, recorded with the revision. */
  readonly reason?: string | undefined;
  /**
   * Through which door the write came: `cli`, `http`, `library`, `change 12`, `spicedb`. The
   * caller names it, because only the caller knows; recorded with the revision.
   */
  readonly door?: string | undefined;
  /** The request that made the write (an HTTP request id), recorded with the revision. */
  readonly requestId?: string | undefined;
  /**
   * When set, an audit record of the write (its action, e.g. `relationships.write`, and the
   * counts of what it created and deleted, never the tuples) is appended in the write's own
   * transaction, so a write is never without its record.
   */
  readonly audit?: { readonly action: string; readonly details?: Record<string, unknown> } | undefined;
  /**
   * Relationship writes only: conditions on the tenant's live relationships, looked at inside
   * the write's transaction once it holds its tenant (writers of the tenant wait for each other
   * there), so no other write to the tenant comes between the look and the write. One that does not hold: nothing is
   * written, and a `PreconditionFailed` names it.
   */
  readonly preconditions?: readonly WritePrecondition[] | undefined;
}

/** Who made a revision, through which door, and what it did: the answer to "who made this write". */
export interface RevisionRecord {
  readonly revision: Revision;
  /** `null` for a store-wide revision (a schema version). */
  readonly tenant: string | null;
  /** `relationships`, `schema`, `change` or `purge`. */
  readonly kind: string;
  readonly actor: string | null;
  readonly door: string | null;
  readonly requestId: string | null;
  readonly reason: string | null;
  readonly createdAt: string;
  /** Relationships this revision made live. */
  readonly created: number;
  /** Relationships this revision deleted. */
  readonly deleted: number;
}

export interface RevisionFilter {
  readonly actor?: string | undefined;
  readonly tenant?: string | undefined;
  /** Only tenants in this list (a tenant-limited token); store-wide revisions are left out. */
  readonly tenants?: readonly string[] | undefined;
  /** Written at or after this time (ISO). */
  readonly since?: string | undefined;
  /** At most this many, newest first (default 100). */
  readonly limit?: number | undefined;
}

export interface Store
  extends ChangeStore,
    TokenStore,
    RolloutStore,
    ShadowStore,
    DecisionStore,
    LifecycleStore,
    NodeStore {
  readonly kind: "sqlite" | "postgres";

  /** The newest revision written (0 for an empty store). */
  headRevision(): Promise<Revision>;

  /** Tenants that have ever had a relationship written. */
  tenants(): Promise<string[]>;

  /**
   * Applies every update in one transaction as one new revision, or none of them: a `create`
   * of a live relationship or a `delete` of a missing one throws a `conflict` error naming it,
   * and nothing is written. Several updates of the same relationship in one call are an `input` error.
   */
  writeRelationships(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options?: WriteOptions,
  ): Promise<WriteResult>;

  /**
   * Touches the relationships of every batch as one new revision, or none of them. Batches are
   * staged where only this import sees them, one at a time (the caller's memory is one batch,
   * whatever the import's size), and go live together, in one transaction, once `beforeCommit`
   * has returned. Whatever `batches` or `beforeCommit` throws ends it with nothing written.
   */
  importRelationships(
    tenant: string,
    batches: AsyncIterable<ImportBatch>,
    options?: ImportWriteOptions,
  ): Promise<ImportWriteResult>;

  /**
   * Relationships live at `atRevision` (default: head) that match the filter, in tuple order
   * (resource type, resource id, relation, subject type, subject id, subject relation); with
   * `after`, only those that sort after it (the next page of a read).
   */
  readRelationships(
    tenant: string,
    filter?: RelationshipFilter,
    options?: ReadOptions,
  ): Promise<StoredRelationship[]>;

  /**
   * The tenant's live relationships whose expiration falls after `after` and at or before
   * `until` (ISO times), in tuple order: the expiry forecast reads only these.
   */
  expiringRelationships(tenant: string, after: string, until: string): Promise<Relationship[]>;

  /**
   * Every relationship live at `atRevision` in a tenant, in batches, for building the in-memory
   * indexes. Rows are yielded as plain tuples to keep a million-row load cheap.
   */
  scanTenant(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]>;

  /**
   * The distinct shapes of live relationships across all tenants (expired ones left out), with
   * the caveat and expiration they carry, so that a schema write can be refused when it would
   * orphan data (SpiceDB refuses the same).
   */
  relationshipShapes(): Promise<RelationshipShape[]>;

  /** Writes a schema version as a new revision. The schema text is stored as given. */
  writeSchema(text: string, options?: WriteOptions): Promise<SchemaVersion>;

  /** The schema version in force at `atRevision` (default: head), if any was written. */
  readSchema(atRevision?: Revision): Promise<SchemaVersion | undefined>;

  listSchemaVersions(): Promise<SchemaVersion[]>;

  /** Who made a revision, through which door, and its counts; `undefined` for one not written. */
  getRevision(revision: Revision): Promise<RevisionRecord | undefined>;

  /** Revisions, newest first, filtered. */
  listRevisions(filter?: RevisionFilter): Promise<RevisionRecord[]>;

  /** When a revision was written (UTC ISO time); `undefined` for 0 and for one not written yet. */
  revisionTime(revision: Revision): Promise<string | undefined>;

  /** Revisions after `afterRevision`, oldest first, at most `limit` of them. */
  revisionsSince(afterRevision: Revision, limit?: number, options?: FeedOptions): Promise<RevisionEvent[]>;

  /**
   * Keeps `bytes` as the tenant's index snapshot at `revision`, in place of an older one; one at
   * a newer revision already kept stays (returns false). A purge of the tenant removes it.
   */
  writeIndexSnapshot(tenant: string, revision: Revision, format: number, bytes: Uint8Array): Promise<boolean>;

  /**
   * The tenant's index snapshot if there is one taken at or before `atMost`: from its file beside
   * the store when there is one of this snapshot (SQLite), unless `file` is false.
   */
  readIndexSnapshot(
    tenant: string,
    atMost: Revision,
    options?: { readonly file?: boolean },
  ): Promise<StoredIndexSnapshot | undefined>;

  /** Every tenant's index snapshot, by tenant, without the bytes. */
  listIndexSnapshots(): Promise<IndexSnapshotRecord[]>;

  /**
   * Calls `listener` soon after any process writes a new revision to this store (PostgreSQL:
   * LISTEN/NOTIFY; SQLite: polling the file), until the returned function is called.
   */
  watch(listener: (head: Revision) => void): () => void;

  close(): Promise<void>;
}
