import { GatehouseError } from "../../model/errors.js";
import { checkId } from "../common/input-checks.js";
import {
  ROLLOUT_COLUMNS as COLUMNS,
  checkNewRollout,
  checkRolloutUpdate,
  type RolloutRow,
  rolloutMoved,
  rolloutRunning,
  rolloutUpdateValues,
  toRolloutRecord,
} from "../common/rollout-rows.js";
import type { NewRollout, RolloutRecord, RolloutUpdate } from "../rollout-records.js";
import type { Sql } from "../sql/sql.js";

/**
 * The `rollouts` table. Rollouts are only written with their
 * audit record, under the audit lock, so "is one running?" still holds at the insert (and the
 * partial unique index holds it regardless).
 */
export class RolloutTable {
  readonly #now: () => string;

  constructor(now: () => string) {
    this.#now = now;
  }

  async insert(sql: Sql, rollout: NewRollout): Promise<RolloutRecord> {
    const { changeId, tenants, percent, monitor, actor } = checkNewRollout(rollout);
    const [running] = await sql.rows<[number]>("SELECT id FROM rollouts WHERE state = 'running'");
    if (running !== undefined) throw rolloutRunning(Number(running[0]));
    const [change] = await sql.rows("SELECT 1 FROM changes WHERE id = $1", [changeId]);
    if (change === undefined) {
      throw new GatehouseError("not_found", `change ${changeId} does not exist`, { field: "changeId" });
    }
    const now = this.#now();
    const [row] = await sql.rows<RolloutRow>(
      `INSERT INTO rollouts (change_id, state, step, tenants, percent, monitor, started_at, started_by, updated_at, version)
       VALUES ($1, 'running', 0, $2, $3, $4, $5, $6, $5, 1) RETURNING ${COLUMNS}`,
      [changeId, JSON.stringify(tenants), percent, JSON.stringify(monitor), now, actor],
    );
    return toRolloutRecord(...row!);
  }

  async latest(sql: Sql): Promise<RolloutRecord | undefined> {
    const [row] = await sql.rows<RolloutRow>(`SELECT ${COLUMNS} FROM rollouts ORDER BY id DESC LIMIT 1`);
    return row === undefined ? undefined : toRolloutRecord(...row);
  }

  async update(sql: Sql, id: number, expectedVersion: number, update: RolloutUpdate): Promise<RolloutRecord> {
    checkId(id, "id");
    checkRolloutUpdate(update);
    const ended = update.state !== undefined && update.state !== "running";
    const v = rolloutUpdateValues(update, this.#now(), ended);
    const [row] = await sql.rows<RolloutRow>(
      `UPDATE rollouts SET
         state = coalesce($1, state), step = coalesce(CAST($2 AS integer), step), tenants = coalesce($3, tenants),
         percent = coalesce(CAST($4 AS integer), percent), ended_at = coalesce($5, ended_at), ended_by = coalesce($6, ended_by),
         end_reason = coalesce($7, end_reason), trip = coalesce($8, trip), updated_at = $9, version = version + 1
       WHERE id = $10 AND state = 'running' AND version = $11 RETURNING ${COLUMNS}`,
      [
        v.state,
        v.step,
        v.tenants,
        v.percent,
        v.endedAt,
        v.endedBy,
        v.endReason,
        v.trip,
        v.now,
        id,
        expectedVersion,
      ],
    );
    if (row === undefined) {
      const [found] = await sql.rows<[string]>("SELECT state FROM rollouts WHERE id = $1", [id]);
      throw rolloutMoved(id, found?.[0]);
    }
    return toRolloutRecord(...row);
  }
}
