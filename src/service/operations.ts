import type { CheckRequest } from "../engine/engine.js";
import type { Place } from "../model/errors.js";
import type { ObjectRef, Relationship, SubjectRef } from "../model/relationship.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
import type { AuditFilter, LifecycleScope, RevisionFilter, Role, UpdateOperation } from "./records.js";
import type { AuditRecordView, AuditVerificationView } from "./views/audit.js";
import type {
  ApplyView,
  ApproveView,
  ChangeDetailView,
  ChangeSummaryView,
  GuardsView,
  LifecycleProposalView,
  PlanView,
  RevertView,
} from "./views/change.js";
import type { CheckBatchView, CheckView, LookupResourcesView, LookupSubjectsView } from "./views/query.js";
import type { ExpiredCollectionView, RetentionView } from "./views/retention.js";
import type { RevisionView } from "./views/revision.js";
import type { NewTokenView, TokenView } from "./views/token.js";

/**
 * The operations a command line runs, in the JSON shapes every surface answers with (the
 * views): implemented once over a local store (`LocalOperations`) and once over the HTTP API
 * (`RemoteOperations` in the CLI), so that each command is written once and prints the same
 * text and JSON, with the same exit codes, whichever it talks to.
 *
 * Inputs are parsed before they get here (a tuple, a subject, a change file), so a mistake in
 * them is reported by the same code, with the same place, in both modes.
 */
export interface Operations {
  /** Where the operations run, for messages: a store location or a server's address. */
  readonly where: string;

  readSchema(): Promise<SchemaView | null>;
  writeSchema(
    text: string,
    options: { file: string; reason?: string | undefined },
  ): Promise<SchemaWrittenView>;

  writeRelationships(
    tenant: string,
    updates: ReadonlyArray<{ operation: UpdateOperation; relationship: Relationship }>,
  ): Promise<WrittenView>;
  /** Deletes what a filter selects (`type[:id]`, relation, `type[:id[#relation]]`). */
  deleteRelationships(tenant: string, filter: FilterText, reason?: string): Promise<WrittenView>;
  readRelationships(
    tenant: string,
    filter: FilterText,
    page: { atRevision?: number | undefined; limit: number; cursor?: string },
  ): Promise<RelationshipPageView>;
  /** Imports a stream of tuple lines (a file of any size), all or nothing, as one revision. */
  importRelationships(
    tenant: string,
    source: AsyncIterable<Uint8Array>,
    options: { file: string; onProgress?: (done: number) => void },
  ): Promise<{ revision: number; created: number }>;

  check(
    tenant: string,
    request: CheckRequest,
    options: QueryOptions & { explain?: boolean },
  ): Promise<CheckView>;
  checkBatch(
    tenant: string,
    requests: readonly CheckRequest[],
    options: QueryOptions & { placeOf: (index: number) => Place },
  ): Promise<CheckBatchView>;
  /**
   * `checkBatch` of a text of one check a line (`permission check --batch`), a line named by
   * `file` and its number: the text is answered as it is read where the store is local.
   */
  checkBatchText(tenant: string, text: string, file: string, options: QueryOptions): Promise<CheckBatchView>;
  lookupResources(
    tenant: string,
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    options: QueryOptions & PageRequest & CaveatContextOption,
  ): Promise<LookupResourcesView>;
  lookupSubjects(
    tenant: string,
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation: string | undefined,
    options: QueryOptions & PageRequest & CaveatContextOption,
  ): Promise<LookupSubjectsView>;

  /** Proposes the change file `text` (parsed and placed as `file`) in `tenant`, unless it names its own. */
  proposeChange(tenant: string, text: string, file: string): Promise<ChangeSummaryView>;
  /** The plan, with the change's reason (which the plan view leaves out). */
  planChange(id: number): Promise<{ plan: PlanView; reason: string }>;
  /** Approves the plan `plan` names, or the newest; `by`: who approved (the actor, or the token's name). */
  approveChange(
    id: number,
    options: { plan?: string; comment?: string },
  ): Promise<{ approval: ApproveView; by: string }>;
  withdrawChange(id: number, reason?: string): Promise<{ change: ChangeSummaryView; by: string }>;
  rejectChange(id: number, reason: string): Promise<{ change: ChangeSummaryView; by: string }>;
  applyChange(id: number): Promise<ApplyView>;
  /** The revert change's plan; `appliedRevision`: where it went live (null when it did not). */
  revertChange(id: number, reason?: string): Promise<{ revert: RevertView; appliedRevision: number | null }>;
  listChanges(filter: { tenant?: string; state?: string }): Promise<ChangeSummaryView[]>;
  showChange(id: number): Promise<ChangeDetailView>;

  listAudit(filter: AuditFilter): Promise<AuditRecordView[]>;
  verifyAudit(): Promise<AuditVerificationView>;

  /** Soft deletion, restore or purge of a subject or tenant, proposed; `writes`: what a restore writes back. */
  proposeLifecycle(
    operation: "delete" | "restore" | "purge",
    scope: LifecycleScope,
    tenant: string,
    target: string,
    options: { reason?: string | undefined; exportDir: string },
  ): Promise<{ proposal: LifecycleProposalView; writes: number }>;
  mergeSubjects(tenant: string, from: string, into: string, reason?: string): Promise<LifecycleProposalView>;
  retention(): Promise<RetentionView>;
  setRetention(days: number, reason?: string): Promise<RetentionView>;
  /** Removes for good the relationships that expired longer ago than the retention window. */
  collectExpired(reason?: string): Promise<ExpiredCollectionView>;

  /** Proposes bringing live relationships (those a filter selects) back to a past revision. */
  proposeRestore(
    tenant: string,
    toRevision: number,
    filter: FilterText,
    reason?: string,
  ): Promise<{ change: ChangeSummaryView; writes: number; deletes: number }>;
  showRevision(revision: number): Promise<RevisionView>;
  listRevisions(filter: RevisionFilter): Promise<RevisionView[]>;

  readGuards(): Promise<GuardsView>;
  writeGuards(text: string, file: string): Promise<{ version: number }>;

  createToken(input: { name: string; role: Role; tenants: string[] | null }): Promise<NewTokenView>;
  listTokens(): Promise<TokenView[]>;
  revokeToken(name: string): Promise<TokenView>;

  close(): Promise<void>;
}

export interface QueryOptions {
  /** Answer at this revision or a newer one. */
  readonly atLeastRevision?: number | undefined;
}

/** A lookup's caveat context: values for the parameters of the caveats its checks meet. */
export interface CaveatContextOption {
  readonly context?: CaveatContext | undefined;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** A relationship filter as typed: `document` or `document:readme`, a relation, `user[:ann[#member]]`. */
export interface FilterText {
  readonly resource?: string | undefined;
  readonly relation?: string | undefined;
  readonly subject?: string | undefined;
}

/** The schema in force, or null when none was written. */
export interface SchemaView {
  readonly schema: string;
  readonly version: number;
  readonly revision: number;
  readonly createdAt: string;
  readonly author: string | null;
}

export interface SchemaWrittenView {
  readonly version: number;
  readonly revision: number;
  /** The `model` change it went live through; null on a store without relationships. */
  readonly change: number | null;
  readonly gained: number;
  readonly lost: number;
  readonly warnings: readonly string[];
}

export interface WrittenView {
  readonly revision: number;
  readonly created: string[];
  readonly deleted: string[];
}

export interface RelationshipPageView {
  readonly relationships: Array<{ relationship: string; createdRevision: number }>;
  readonly revision: number;
  readonly cursor: string | null;
}
