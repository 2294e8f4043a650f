import {
  type DecisionRow,
  decisionQuery,
  decisionValues,
  toDecisionRecord,
} from "../common/decision-rows.js";
import { checkTime } from "../common/input-checks.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import type { Sql } from "./connection.js";

/**
 * The `decisions` table. A batch is one INSERT whatever its size: each column travels as one
 * array parameter and `unnest` turns the arrays back into rows, so there is no parameter limit
 * to chunk around and one round trip per batch.
 */
export class DecisionTable {
  async append(sql: Sql, records: readonly NewDecision[]): Promise<number> {
    const columns: unknown[][] = Array.from({ length: 10 }, () => []);
    records.forEach((record, i) => {
      const values = decisionValues(record, i);
      for (let c = 0; c < values.length; c++) columns[c]!.push(values[c]);
    });
    if (records.length === 0) return 0;
    return sql.run(
      `INSERT INTO decisions
         (at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::boolean[], $10::bigint[])`,
      columns,
    );
  }

  async list(sql: Sql, filter: DecisionFilter): Promise<DecisionRecord[]> {
    const { text, params } = decisionQuery(
      filter,
      (n) => `$${n}`,
      (allowed) => allowed,
    );
    const rows = await sql.rows<DecisionRow>(text, params);
    return rows.map(toDecisionRecord);
  }

  async purge(sql: Sql, olderThan: string): Promise<number> {
    checkTime(olderThan, "olderThan");
    return sql.run("DELETE FROM decisions WHERE at < $1", [olderThan]);
  }
}
