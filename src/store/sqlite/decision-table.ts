import { checkDrafts, type DecisionPageDraft } from "../common/decision-drafts.js";
import {
  checkDecisionFilter,
  checkDecisions,
  decodePage,
  draftsOf,
  matchesDecision,
  numbered,
  pageConditions,
  pageValues,
  purgePage,
} from "../common/decision-pages.js";
import { checkTime } from "../common/input-checks.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { SqliteConnection } from "./connection.js";

const PAGE_COLUMNS =
  "base_seq, first_seq, last_seq, count, first_at, last_at, min_revision, max_revision, body";

/**
 * The decision log's pages (`decision_pages`, see `common/decision-pages.ts`) and the next
 * sequence number (`decision_head`, kept apart so that a purge of the newest pages never lets a
 * number be given twice). Each method is one step of a transaction the store opens.
 */
export class DecisionTable {
  readonly #db: SqliteConnection;

  constructor(db: SqliteConnection) {
    this.#db = db;
  }

  append(records: readonly NewDecision[]): number {
    // Everything is checked before the first page is written: a batch is all or nothing.
    checkDecisions(records);
    return this.appendPages(draftsOf(records));
  }

  /** Numbers the drafts' decisions from the head on, in order, and inserts them as pages. */
  appendPages(drafts: readonly DecisionPageDraft[]): number {
    checkDrafts(drafts);
    const count = drafts.reduce((n, d) => n + d.count, 0);
    if (count === 0) return 0;
    const next = this.#db.prepare("SELECT next_seq FROM decision_head WHERE one = 1").pluck().get() as number;
    this.#db.prepare("UPDATE decision_head SET next_seq = ? WHERE one = 1").run(next + count);
    const insert = this.#db.prepare(
      `INSERT INTO decision_pages (${PAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let baseSeq = next;
    for (const draft of drafts) {
      insert.run(...pageValues(numbered(draft, baseSeq)));
      baseSeq += draft.count;
    }
    return count;
  }

  list(filter: DecisionFilter): DecisionRecord[] {
    checkDecisionFilter(filter);
    const conditions = pageConditions(filter);
    let text = "SELECT base_seq, body FROM decision_pages";
    if (conditions.length > 0)
      text += ` WHERE ${conditions.map((c) => `${c.column} ${c.op} ?`).join(" AND ")}`;
    text += " ORDER BY base_seq";
    const found: DecisionRecord[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const pages = this.#db
      .prepare(text)
      .raw()
      .iterate(...conditions.map((c) => c.value)) as IterableIterator<[number, string]>;
    for (const [baseSeq, body] of pages) {
      for (const record of decodePage(baseSeq, body)) {
        if (!matchesDecision(record, filter)) continue;
        found.push(record);
        if (found.length >= limit) {
          pages.return?.();
          return found;
        }
      }
    }
    return found;
  }

  purge(olderThan: string): number {
    checkTime(olderThan, "olderThan");
    let removed = this.#db
      .prepare("SELECT coalesce(sum(count), 0) FROM decision_pages WHERE last_at < ?")
      .pluck()
      .get(olderThan) as number;
    this.#db.prepare("DELETE FROM decision_pages WHERE last_at < ?").run(olderThan);
    // Pages that straddle the cutoff lose their older records and keep the others' numbers.
    const straddling = this.#db
      .prepare("SELECT base_seq, body FROM decision_pages WHERE first_at < ?")
      .raw()
      .all(olderThan) as [number, string][];
    const replace = this.#db.prepare(
      `INSERT OR REPLACE INTO decision_pages (${PAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [baseSeq, body] of straddling) {
      const outcome = purgePage({ baseSeq, body }, olderThan);
      removed += outcome.removed;
      if (outcome.rewritten === null)
        this.#db.prepare("DELETE FROM decision_pages WHERE base_seq = ?").run(baseSeq);
      else if (outcome.rewritten !== "keep") replace.run(...pageValues(outcome.rewritten));
    }
    return removed;
  }
}
