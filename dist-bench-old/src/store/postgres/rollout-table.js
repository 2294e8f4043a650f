import { GatehouseError } from "../../model/errors.js";
import { checkId } from "../common/input-checks.js";
import { ROLLOUT_COLUMNS as COLUMNS, checkNewRollout, checkRolloutUpdate, rolloutMoved, rolloutRunning, rolloutUpdateValues, toRolloutRecord, } from "../common/rollout-rows.js";
/**
 * The `rollouts` table, with SQLite's checks and messages. Rollouts are only written with their
 * audit record, under the audit lock, so "is one running?" still holds at the insert (and the
 * partial unique index holds it regardless).
 */
export class RolloutTable {
    #now;
    constructor(now) {
        this.#now = now;
    }
    async insert(sql, rollout) {
        const { changeId, tenants, percent, monitor, actor } = checkNewRollout(rollout);
        const [running] = await sql.rows("SELECT id FROM rollouts WHERE state = 'running'");
        if (running !== undefined)
            throw rolloutRunning(Number(running[0]));
        const [change] = await sql.rows("SELECT 1 FROM changes WHERE id = $1", [changeId]);
        if (change === undefined) {
            throw new GatehouseError("not_found", `change ${changeId} does not exist`, { field: "changeId" });
        }
        const now = this.#now();
        const [row] = await sql.rows(`INSERT INTO rollouts (change_id, state, step, tenants, percent, monitor, started_at, started_by, updated_at, version)
       VALUES ($1, 'running', 0, $2, $3, $4, $5, $6, $5, 1) RETURNING ${COLUMNS}`, [changeId, JSON.stringify(tenants), percent, JSON.stringify(monitor), now, actor]);
        return toRolloutRecord(...row);
    }
    async latest(sql) {
        const [row] = await sql.rows(`SELECT ${COLUMNS} FROM rollouts ORDER BY id DESC LIMIT 1`);
        return row === undefined ? undefined : toRolloutRecord(...row);
    }
    async update(sql, id, expectedVersion, update) {
        checkId(id, "id");
        checkRolloutUpdate(update);
        const ended = update.state !== undefined && update.state !== "running";
        const v = rolloutUpdateValues(update, this.#now(), ended);
        const [row] = await sql.rows(`UPDATE rollouts SET
         state = coalesce($1, state), step = coalesce($2::integer, step), tenants = coalesce($3, tenants),
         percent = coalesce($4::integer, percent), ended_at = coalesce($5, ended_at), ended_by = coalesce($6, ended_by),
         end_reason = coalesce($7, end_reason), trip = coalesce($8, trip), updated_at = $9, version = version + 1
       WHERE id = $10 AND state = 'running' AND version = $11 RETURNING ${COLUMNS}`, [
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
        ]);
        if (row === undefined) {
            const [found] = await sql.rows("SELECT state FROM rollouts WHERE id = $1", [id]);
            throw rolloutMoved(id, found?.[0]);
        }
        return toRolloutRecord(...row);
    }
}
//# sourceMappingURL=rollout-table.js.map