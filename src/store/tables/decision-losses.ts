import {
  checkLoss,
  checkTally,
  LOSS_COLUMNS,
  type LossRow,
  lossOf,
  TALLY_COLUMNS,
  type TallyRow,
  tallyOf,
  unwrittenLoss,
} from "../common/decision-losses.js";
import { checkTime } from "../common/input-checks.js";
import type { DecisionLoss, DecisionTally } from "../decision-records.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";

/** Decisions answered but never recorded (`decision_losses`) and each process's tally. */
export class DecisionLosses {
  readonly #dialect: Dialect;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  async record(sql: Sql, loss: DecisionLoss): Promise<void> {
    const { process, reason, count, firstAt, lastAt } = checkLoss(loss);
    await sql.run(`INSERT INTO decision_losses (${LOSS_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`, [
      process,
      reason,
      count,
      firstAt,
      lastAt,
    ]);
  }

  async list(
    sql: Sql,
    window: { since?: string | undefined; until?: string | undefined },
  ): Promise<DecisionLoss[]> {
    const conditions: string[] = [];
    const params: string[] = [];
    if (window.since !== undefined) {
      params.push(checkTime(window.since, "since"));
      conditions.push(`last_at >= $${params.length}`);
    }
    if (window.until !== undefined) {
      params.push(checkTime(window.until, "until"));
      conditions.push(`first_at < $${params.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = await sql.rows<LossRow>(
      `SELECT ${LOSS_COLUMNS} FROM decision_losses ${where} ORDER BY first_at, id`,
      params,
    );
    return rows.map(lossOf);
  }

  async saveTally(sql: Sql, tally: DecisionTally): Promise<void> {
    const t = checkTally(tally);
    await sql.run(
      `INSERT INTO decision_tallies (${TALLY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (process) DO UPDATE SET saved_at = excluded.saved_at, written_at = excluded.written_at,
         answered = excluded.answered, recorded = excluded.recorded, lost = excluded.lost, ended = excluded.ended
       WHERE NOT decision_tallies.ended`,
      [t.process, t.startedAt, t.savedAt, t.writtenAt, t.answered, t.recorded, t.lost, t.ended],
    );
  }

  async tallies(sql: Sql): Promise<DecisionTally[]> {
    const rows = await sql.rows<TallyRow>(
      `SELECT ${TALLY_COLUMNS} FROM decision_tallies ORDER BY started_at, process`,
    );
    return rows.map(tallyOf);
  }

  /** Call inside a transaction: the rows are held, so two nodes never count one process twice. */
  async reap(sql: Sql, staleBefore: string): Promise<DecisionLoss[]> {
    checkTime(staleBefore, "staleBefore");
    const rows = await sql.rows<TallyRow>(
      `SELECT ${TALLY_COLUMNS} FROM decision_tallies WHERE NOT ended AND saved_at < $1${this.#dialect.forUpdateSkipLocked}`,
      [staleBefore],
    );
    const losses: DecisionLoss[] = [];
    for (const tally of rows.map(tallyOf)) {
      const loss = unwrittenLoss(tally);
      if (loss) {
        await this.record(sql, loss);
        losses.push(loss);
      }
      await sql.run("UPDATE decision_tallies SET ended = true WHERE process = $1", [tally.process]);
    }
    return losses;
  }

  async purge(sql: Sql, olderThan: string): Promise<void> {
    await sql.run("DELETE FROM decision_losses WHERE last_at < $1", [olderThan]);
    await sql.run("DELETE FROM decision_tallies WHERE ended AND saved_at < $1", [olderThan]);
  }
}
