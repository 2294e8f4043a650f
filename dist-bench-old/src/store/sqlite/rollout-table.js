import { GatehouseError } from "../../model/errors.js";
import { checkId } from "../common/input-checks.js";
import { ROLLOUT_COLUMNS as COLUMNS, checkNewRollout, checkRolloutUpdate, rolloutMoved, rolloutRunning, rolloutUpdateValues, toRolloutRecord, } from "../common/rollout-rows.js";
/**
 * The `rollouts` table. Each method is one step of a transaction the store opens (with the audit
 * record of the act); none opens its own.
 */
export class RolloutTable {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    insert(rollout) {
        const { changeId, tenants, percent, monitor, actor } = checkNewRollout(rollout);
        const running = this.#db.prepare("SELECT id FROM rollouts WHERE state = 'running'").pluck().get();
        if (running !== undefined)
            throw rolloutRunning(running);
        if (this.#db.prepare("SELECT 1 FROM changes WHERE id = ?").get(changeId) === undefined) {
            throw new GatehouseError("not_found", `change ${changeId} does not exist`, { field: "changeId" });
        }
        const now = this.#now();
        const row = this.#db
            .prepare(`INSERT INTO rollouts (change_id, state, step, tenants, percent, monitor, started_at, started_by, updated_at, version)
         VALUES (?, 'running', 0, ?, ?, ?, ?, ?, ?, 1) RETURNING ${COLUMNS}`)
            .raw()
            .get(changeId, JSON.stringify(tenants), percent, JSON.stringify(monitor), now, actor, now);
        return toRolloutRecord(...row);
    }
    latest() {
        const row = this.#db.prepare(`SELECT ${COLUMNS} FROM rollouts ORDER BY id DESC LIMIT 1`).raw().get();
        return row === undefined ? undefined : toRolloutRecord(...row);
    }
    update(id, expectedVersion, update) {
        checkId(id, "id");
        checkRolloutUpdate(update);
        const ended = update.state !== undefined && update.state !== "running";
        const v = rolloutUpdateValues(update, this.#now(), ended);
        const row = this.#db
            .prepare(`UPDATE rollouts SET
           state = coalesce(?, state), step = coalesce(?, step), tenants = coalesce(?, tenants),
           percent = coalesce(?, percent), ended_at = coalesce(?, ended_at), ended_by = coalesce(?, ended_by),
           end_reason = coalesce(?, end_reason), trip = coalesce(?, trip), updated_at = ?, version = version + 1
         WHERE id = ? AND state = 'running' AND version = ? RETURNING ${COLUMNS}`)
            .raw()
            .get(v.state, v.step, v.tenants, v.percent, v.endedAt, v.endedBy, v.endReason, v.trip, v.now, id, expectedVersion);
        if (row === undefined) {
            const state = this.#db.prepare("SELECT state FROM rollouts WHERE id = ?").pluck().get(id);
            throw rolloutMoved(id, state);
        }
        return toRolloutRecord(...row);
    }
}
//# sourceMappingURL=rollout-table.js.map