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
import type { SqliteConnection } from "./connection.js";

/** Decisions answered but never recorded (`decision_losses`) and each process's tally. */
export class DecisionLosses {
  readonly #db: SqliteConnection;

  constructor(db: SqliteConnection) {
    this.#db = db;
  }

  record(loss: DecisionLoss): void {
    const { process, reason, count, firstAt, lastAt } = checkLoss(loss);
    this.#db
      .prepare(`INSERT INTO decision_losses (${LOSS_COLUMNS}) VALUES (?, ?, ?, ?, ?)`)
      .run(process, reason, count, firstAt, lastAt);
  }

  list(window: { since?: string | undefined; until?: string | undefined }): DecisionLoss[] {
    const conditions: string[] = [];
    const params: string[] = [];
    if (window.since !== undefined) {
      conditions.push("last_at >= ?");
      params.push(checkTime(window.since, "since"));
    }
    if (window.until !== undefined) {
      conditions.push("first_at < ?");
      params.push(checkTime(window.until, "until"));
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.#db
      .prepare(`SELECT ${LOSS_COLUMNS} FROM decision_losses ${where} ORDER BY first_at, id`)
      .raw()
      .all(...params) as LossRow[];
    return rows.map(lossOf);
  }

  saveTally(tally: DecisionTally): void {
    const t = checkTally(tally);
    this.#db
      .prepare(
        `INSERT INTO decision_tallies (${TALLY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (process) DO UPDATE SET saved_at = excluded.saved_at, written_at = excluded.written_at,
           answered = excluded.answered, recorded = excluded.recorded, lost = excluded.lost, ended = excluded.ended
         WHERE decision_tallies.ended = 0`,
      )
      .run(t.process, t.startedAt, t.savedAt, t.writtenAt, t.answered, t.recorded, t.lost, t.ended ? 1 : 0);
  }

  tallies(): DecisionTally[] {
    const rows = this.#db
      .prepare(`SELECT ${TALLY_COLUMNS} FROM decision_tallies ORDER BY started_at, process`)
      .raw()
      .all() as TallyRow[];
    return rows.map(tallyOf);
  }

  /** Call inside a transaction. */
  reap(staleBefore: string): DecisionLoss[] {
    checkTime(staleBefore, "staleBefore");
    const rows = this.#db
      .prepare(`SELECT ${TALLY_COLUMNS} FROM decision_tallies WHERE ended = 0 AND saved_at < ?`)
      .raw()
      .all(staleBefore) as TallyRow[];
    const losses: DecisionLoss[] = [];
    for (const tally of rows.map(tallyOf)) {
      const loss = unwrittenLoss(tally);
      if (loss) {
        this.record(loss);
        losses.push(loss);
      }
      this.#db.prepare("UPDATE decision_tallies SET ended = 1 WHERE process = ?").run(tally.process);
    }
    return losses;
  }

  /** Losses, and tallies of ended processes, older than `olderThan`. */
  purge(olderThan: string): void {
    this.#db.prepare("DELETE FROM decision_losses WHERE last_at < ?").run(olderThan);
    this.#db.prepare("DELETE FROM decision_tallies WHERE ended = 1 AND saved_at < ?").run(olderThan);
  }
}
