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
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";

export const INSERT_PAGE = `INSERT INTO decision_pages
  (base_seq, first_seq, last_seq, count, first_at, last_at, min_revision, max_revision, body)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** Pages read per round trip while listing: a limit is usually met within the first few. */
const PAGES_PER_READ = 20;

/**
 * The decision log's pages (`common/decision-pages.ts`). Sequence numbers come from a counter
 * (`Dialect.takeDecisionSeqs`), never from the pages: a purge of the newest pages never lets a
 * number be given twice.
 */
export class DecisionTable {
  readonly #dialect: Dialect;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  async append(sql: Sql, records: readonly NewDecision[]): Promise<number> {
    // Everything is checked before the first page is written: a batch is all or nothing.
    checkDecisions(records);
    return this.appendPages(sql, draftsOf(records));
  }

  /** Numbers the drafts' decisions from the counter on, in order, and inserts them as pages. */
  async appendPages(sql: Sql, drafts: readonly DecisionPageDraft[]): Promise<number> {
    checkDrafts(drafts);
    const count = drafts.reduce((n, d) => n + d.count, 0);
    if (count === 0) return 0;
    let baseSeq = await this.#dialect.takeDecisionSeqs(sql, count);
    for (const draft of drafts) {
      await sql.run(INSERT_PAGE, pageValues(numbered(draft, baseSeq)));
      baseSeq += draft.count;
    }
    return count;
  }

  async list(sql: Sql, filter: DecisionFilter): Promise<DecisionRecord[]> {
    checkDecisionFilter(filter);
    const conditions = pageConditions(filter);
    const found: DecisionRecord[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    let after = -1;
    for (;;) {
      const params: unknown[] = [after, ...conditions.map((c) => c.value)];
      const where = ["base_seq > $1", ...conditions.map((c, i) => `${c.column} ${c.op} $${i + 2}`)];
      const pages = await sql.rows<[number, string]>(
        `SELECT base_seq, body FROM decision_pages WHERE ${where.join(" AND ")} ORDER BY base_seq LIMIT ${PAGES_PER_READ}`,
        params,
      );
      for (const [baseSeq, body] of pages) {
        for (const record of decodePage(Number(baseSeq), body)) {
          if (!matchesDecision(record, filter)) continue;
          found.push(record);
          if (found.length >= limit) return found;
        }
        after = Number(baseSeq);
      }
      if (pages.length < PAGES_PER_READ) return found;
    }
  }

  async purge(sql: Sql, olderThan: string): Promise<number> {
    checkTime(olderThan, "olderThan");
    const whole = await sql.rows<[number]>("DELETE FROM decision_pages WHERE last_at < $1 RETURNING count", [
      olderThan,
    ]);
    let removed = whole.reduce((sum, [count]) => sum + Number(count), 0);
    // Pages that straddle the cutoff lose their older records and keep the others' numbers.
    const straddling = await sql.rows<[number, string]>(
      `SELECT base_seq, body FROM decision_pages WHERE first_at < $1${this.#dialect.forUpdate}`,
      [olderThan],
    );
    for (const [baseSeq, body] of straddling) {
      const outcome = purgePage({ baseSeq: Number(baseSeq), body }, olderThan);
      removed += outcome.removed;
      if (outcome.rewritten === "keep") continue;
      await sql.run("DELETE FROM decision_pages WHERE base_seq = $1", [baseSeq]);
      if (outcome.rewritten !== null) await sql.run(INSERT_PAGE, pageValues(outcome.rewritten));
    }
    return removed;
  }
}
