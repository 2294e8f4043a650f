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

/** Why checks went unrecorded. */
export type DecisionLossReason =
  /** The log's buffer was full (only after the process began to close, with back-pressure). */
  | "buffer_full"
  /** The store refused or failed the write. */
  | "store_failed"
  /** Answered after the log was closed. */
  | "closed"
  /** The process ended (killed, crashed) with them unwritten: counted afterwards from its tally. */
  | "process_ended";

/** Checks that were answered but have no record: how many, why, and when they were answered. */
export interface DecisionLoss {
  /** The process that answered them (see `DecisionTally`). */
  readonly process: string;
  readonly reason: DecisionLossReason;
  readonly count: number;
  /** The window they were answered in (UTC ISO times, inclusive). */
  readonly firstAt: string;
  readonly lastAt: string;
}

/**
 * One process's running count of the checks its decision log was asked to record, saved every
 * fraction of a second: after a kill -9, `answered - recorded - lost` of its last tally is how
 * many of its checks have no record (those answered after that tally cannot be known).
 */
export interface DecisionTally {
  readonly process: string;
  readonly startedAt: string;
  /** When this tally was saved. */
  readonly savedAt: string;
  /** When the log last finished writing everything answered before it. */
  readonly writtenAt: string;
  /** Checks answered that the log was to record (after sampling). */
  readonly answered: number;
  /** Of those, written to the store. */
  readonly recorded: number;
  /** Of those, counted as lost (and recorded as losses) by the process itself. */
  readonly lost: number;
  /** Set by a clean close, or once another process has counted what this one left unwritten. */
  readonly ended: boolean;
}

/** What the decision log writes with its pages, in the same transaction. */
export interface DecisionLogExtras {
  readonly losses?: readonly DecisionLoss[] | undefined;
  readonly tally?: DecisionTally | undefined;
}

export interface DecisionStore {
  /** Appends records in one transaction (all or none); returns how many were written. */
  appendDecisions(records: readonly NewDecision[]): Promise<number>;
  /**
   * Appends pages the decision log built (`DecisionDrafts`, already checked), numbering them
   * in order, in one transaction; returns how many decisions were written.
   */
  appendDecisionPages(drafts: readonly DecisionPageDraft[], with_?: DecisionLogExtras): Promise<number>;
  /** Oldest first (by sequence number). */
  listDecisions(filter?: DecisionFilter): Promise<DecisionRecord[]>;
  /**
   * Deletes records answered before `olderThan` (UTC ISO time), and losses and ended tallies
   * older than it; returns how many records.
   */
  purgeDecisions(olderThan: string): Promise<number>;
  /** Records that some answered checks have no record. */
  recordDecisionLoss(loss: DecisionLoss): Promise<void>;
  /** Losses whose window overlaps [since, until) (either end open), oldest first. */
  listDecisionLosses(window?: {
    since?: string | undefined;
    until?: string | undefined;
  }): Promise<DecisionLoss[]>;
  /** Saves a process's tally (insert or replace); a tally already ended is left as it is. */
  saveDecisionTally(tally: DecisionTally): Promise<void>;
  readDecisionTallies(): Promise<DecisionTally[]>;
  /**
   * For every tally not ended and saved before `staleBefore` (its process is gone), records
   * the checks it answered but neither recorded nor counted as lost as a `process_ended` loss
   * (answered between its `writtenAt` and `savedAt`), and ends it, in one transaction, so
   * that each is counted once however many processes look. Returns the losses recorded.
   */
  reapDecisionTallies(staleBefore: string): Promise<DecisionLoss[]>;
}
