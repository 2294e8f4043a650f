import type { ObjectRef, SubjectRef } from "../model/relationship.js";
import type { SchemaAnswer } from "../model/schema-answer.js";
import type { DecisionPageDraft } from "./common/decision-drafts.js";
import type { Revision } from "./store.js";

/**
 * The decision log: checks as they were answered, for forensics ("who used this access while the
 * bad change was live?") and for replaying real traffic against a candidate schema. Records are
 * written in batches, off the check path, and purged after a retention window; they are evidence
 * of what happened, so they are never updated.
 */
export interface DecisionRecord {
  /** 1, 2, 3 ... in the order written, store-wide. */
  readonly seq: number;
  /** When the check was answered (UTC ISO time), not when the record was written. */
  readonly at: string;
  readonly tenant: string;
  readonly resource: ObjectRef;
  readonly permission: string;
  readonly subject: SubjectRef;
  readonly allowed: boolean;
  /** The revision the answer was computed at. */
  readonly revision: Revision;
  /**
   * The schema that answered: the active version, or a rollout's candidate (the change id).
   * Absent on records written before the log kept it.
   */
  readonly schema?: SchemaAnswer;
}

export type NewDecision = Omit<DecisionRecord, "seq">;

/** Selects decisions; every field is optional and fields combine with AND. */
export interface DecisionFilter {
  readonly tenant?: string | undefined;
  readonly resource?: ObjectRef | undefined;
  readonly permission?: string | undefined;
  /** The exact subject asked about (`group:eng#member` is not `group:eng`). */
  readonly subject?: SubjectRef | undefined;
  readonly allowed?: boolean | undefined;
  /**
   * Only decisions this schema answered (`{candidate: 12}`: those the candidate of change 12 gave
   * during its rollout). Records written before the log kept the schema match no such filter.
   */
  readonly schema?: SchemaAnswer | undefined;
  /** Inclusive, UTC ISO time (a date alone means its midnight). */
  readonly since?: string | undefined;
  /** Exclusive, so that consecutive windows neither overlap nor leave a gap. */
  readonly until?: string | undefined;
  /** Inclusive: answers computed at this revision or later. */
  readonly fromRevision?: Revision | undefined;
  /** Inclusive: answers computed at this revision or earlier. */
  readonly toRevision?: Revision | undefined;
  /** Only records after this sequence number, for reading a long log page by page. */
  readonly afterSeq?: number | undefined;
  readonly limit?: number | undefined;
}

export interface DecisionStore {
  /** Appends records in one transaction (all or none); returns how many were written. */
  appendDecisions(records: readonly NewDecision[]): Promise<number>;
  /**
   * Appends pages the decision log built (`DecisionDrafts`, already checked), numbering them
   * in order, in one transaction; returns how many decisions were written.
   */
  appendDecisionPages(drafts: readonly DecisionPageDraft[]): Promise<number>;
  /** Oldest first (by sequence number). */
  listDecisions(filter?: DecisionFilter): Promise<DecisionRecord[]>;
  /** Deletes records answered before `olderThan` (UTC ISO time); returns how many. */
  purgeDecisions(olderThan: string): Promise<number>;
}
