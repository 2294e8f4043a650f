import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { checkId, checkText } from "./input-checks.js";
/** The `rollouts` columns every backend reads, in `RolloutRow` order. */
export const ROLLOUT_COLUMNS = "id, change_id, state, step, tenants, percent, monitor, started_at, started_by, updated_at, ended_at, ended_by, end_reason, trip, version";
export function toRolloutRecord(...row) {
    const [id, changeId, state, step, tenants, percent, monitor, startedAt, startedBy, updatedAt] = row;
    const [, , , , , , , , , , endedAt, endedBy, endReason, trip, version] = row;
    return {
        id: Number(id),
        changeId: Number(changeId),
        state: state,
        step: Number(step),
        tenants: JSON.parse(tenants),
        percent: Number(percent),
        monitor: JSON.parse(monitor),
        startedAt,
        startedBy,
        updatedAt,
        endedAt,
        endedBy,
        endReason,
        trip: trip === null ? null : JSON.parse(trip),
        version: Number(version),
    };
}
const STATES = ["running", "completed", "rolled_back"];
function checkTenants(tenants) {
    if (!Array.isArray(tenants))
        throw inputError("invalid tenants: expected a list of tenants", { field: "tenants" });
    tenants.forEach((tenant, i) => {
        checkTenant(tenant, { field: `tenants[${i}]` });
    });
}
function checkPercent(percent) {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
        throw inputError(`invalid percent \`${percent}\`: expected a whole number from 0 to 100`, {
            field: "percent",
        });
    }
}
export function checkMonitorSettings(monitor) {
    if (typeof monitor.margin !== "number" || !(monitor.margin >= 0 && monitor.margin <= 1)) {
        throw inputError(`invalid margin \`${monitor.margin}\`: expected a fraction from 0 to 1`, {
            field: "margin",
        });
    }
    if (!Number.isSafeInteger(monitor.windowSeconds) || monitor.windowSeconds < 1) {
        throw inputError(`invalid window \`${monitor.windowSeconds}\`: expected whole seconds, 1 or more`, {
            field: "window",
        });
    }
    if (!Number.isSafeInteger(monitor.minChecks) || monitor.minChecks < 1) {
        throw inputError(`invalid min-checks \`${monitor.minChecks}\`: expected a whole number, 1 or more`, {
            field: "minChecks",
        });
    }
}
/** Checks a rollout before it is stored; the rollout layer checks the change, the store the rest. */
export function checkNewRollout(rollout) {
    checkId(rollout.changeId, "changeId");
    checkTenants(rollout.tenants);
    checkPercent(rollout.percent);
    if (rollout.tenants.length === 0 && rollout.percent === 0) {
        throw inputError("a rollout needs tenants or a percent above 0", { field: "tenants" });
    }
    checkMonitorSettings(rollout.monitor);
    checkText(rollout.actor, "actor");
    return rollout;
}
export function checkRolloutUpdate(update) {
    if (update.state !== undefined && !STATES.includes(update.state)) {
        throw inputError(`invalid state \`${String(update.state)}\``, { field: "state" });
    }
    if (update.tenants !== undefined)
        checkTenants(update.tenants);
    if (update.percent !== undefined)
        checkPercent(update.percent);
    if (update.endedBy !== undefined)
        checkText(update.endedBy, "endedBy");
    return update;
}
export function rolloutRunning(running) {
    return new GatehouseError("conflict", `rollout ${running} is running; only one rollout runs at a time (promote it or roll it back first)`);
}
export function rolloutMoved(id, state) {
    return new GatehouseError("conflict", state === undefined
        ? `rollout ${id} does not exist`
        : state === "running"
            ? `rollout ${id} was changed by someone else meanwhile; nothing was written (look at \`gatehouse rollout status\`)`
            : `rollout ${id} is ${state.replace("_", " ")}; only a running rollout can be changed`);
}
/** The SET clause values of an update, in a fixed order shared by both backends. */
export function rolloutUpdateValues(update, now, ended) {
    return {
        state: update.state ?? null,
        step: update.step ?? null,
        tenants: update.tenants === undefined ? null : JSON.stringify(update.tenants),
        percent: update.percent ?? null,
        endedAt: ended ? now : null,
        endedBy: update.endedBy ?? null,
        endReason: update.endReason ?? null,
        trip: update.trip === undefined ? null : JSON.stringify(update.trip),
        now,
    };
}
//# sourceMappingURL=rollout-rows.js.map