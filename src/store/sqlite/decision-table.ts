import {
  type DecisionRow,
  decisionQuery,
  decisionValues,
  toDecisionRecord,
} from "../common/decision-rows.js";
import { checkTime } from "../common/input-checks.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { SqliteConnection } from "./connection.js";

const INSERT_COLUMNS =
  "at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision";
/** Rows per multi-row INSERT: 640 parameters, well under SQLite's limit, few statements per batch. */
const ROWS_PER_STATEMENT = 64;

function insertText(rows: number): string {
  const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return `INSERT INTO decisions (${INSERT_COLUMNS}) VALUES ${Array.from({ length: rows }, () => row).join(", ")}`;
}

/** The `decisions` table. Each method is one step of a transaction the store opens. */
export class DecisionTable {
  readonly #db: SqliteConnection;

  constructor(db: SqliteConnection) {
    this.#db = db;
  }

  append(records: readonly NewDecision[]): number {
    // Everything is checked before the first row is written: a batch is all or nothing.
    const values = records.map((record, i) => {
      const row: unknown[] = decisionValues(record, i);
      row[8] = row[8] === true ? 1 : 0;
      return row;
    });
    const full = this.#db.prepare(insertText(ROWS_PER_STATEMENT));
    const single = this.#db.prepare(insertText(1));
    let i = 0;
    for (; i + ROWS_PER_STATEMENT <= values.length; i += ROWS_PER_STATEMENT) {
      full.run(...values.slice(i, i + ROWS_PER_STATEMENT).flat());
    }
    for (; i < values.length; i++) single.run(...values[i]!);
    return values.length;
  }

  list(filter: DecisionFilter): DecisionRecord[] {
    const { text, params } = decisionQuery(
      filter,
      () => "?",
      (allowed) => (allowed ? 1 : 0),
    );
    const rows = this.#db
      .prepare(text)
      .raw()
      .all(...params) as DecisionRow[];
    return rows.map(toDecisionRecord);
  }

  purge(olderThan: string): number {
    checkTime(olderThan, "olderThan");
    return this.#db.prepare("DELETE FROM decisions WHERE at < ?").run(olderThan).changes;
  }
}
