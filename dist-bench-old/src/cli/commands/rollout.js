import { GatehouseError } from "../../model/errors.js";
import { formatRolloutStatus, rolloutJson, rolloutStatusJson } from "../../rollout/rollout-json.js";
import { parseCount, parseMargin, parsePercent, parseTenantList, parseWindow, } from "../../rollout/rollout-options.js";
import { contextOf, withGatehouse } from "../context.js";
function changeIdOf(text) {
    if (!/^\d+$/.test(text) || Number(text) < 1) {
        throw new GatehouseError("usage", `CHANGE_ID expects a change number, got \`${text}\``);
    }
    return Number(text);
}
/** `gatehouse rollout start|promote|rollback|status`: a model change tenant by tenant. */
export function registerRollout(program, globals) {
    const rollout = program
        .command("rollout")
        .description("roll a planned model change out tenant by tenant, with deny-rate monitors");
    rollout
        .command("start")
        .argument("<change-id>", "a planned model change (its spec has a schema)")
        .option("--tenants <list>", "the tenants answered by the candidate, e.g. acme,globex")
        .option("--percent <n>", "a stable share of tenants (by a hash of their name), 1 to 100")
        .option("--margin <rate>", "roll back when the deny rate exceeds the baseline by more than this (0.05 or 5%)", "5%")
        .option("--window <duration>", "the monitor's counting window (60s, 5m, 1h)", "5m")
        .option("--min-checks <n>", "checks a permission needs in a window before the monitor judges it", "50")
        .option("--reason <text>", "why (default: the change's reason)")
        .description("start answering some tenants with a change's schema")
        .action(async (id, options) => {
        const context = contextOf(globals());
        const changeId = changeIdOf(id);
        if (options.tenants === undefined && options.percent === undefined) {
            throw new GatehouseError("usage", "rollout start needs --tenants A,B or --percent N");
        }
        const input = {
            actor: context.actor,
            reason: options.reason,
            tenants: options.tenants !== undefined ? parseTenantList(options.tenants) : undefined,
            percent: options.percent !== undefined ? parsePercent(options.percent) : undefined,
            monitor: {
                margin: parseMargin(options.margin),
                windowSeconds: parseWindow(options.window),
                minChecks: parseCount(options.minChecks, "--min-checks"),
            },
        };
        const record = await withGatehouse(context, (g) => g.rollouts.start(changeId, input));
        context.out.result(`rollout ${record.id} of change ${changeId} started; see it with: gatehouse rollout status`, rolloutJson(record));
    });
    rollout
        .command("promote")
        .option("--tenants <list>", "add these tenants")
        .option("--percent <n>", "widen to this share of tenants")
        .option("--all", "apply the change for every tenant (its plan, guards and approvals apply)")
        .option("--reason <text>", "why")
        .description("widen the running rollout: the next step, or all (which applies the change)")
        .action(async (options) => {
        const context = contextOf(globals());
        const input = {
            actor: context.actor,
            reason: options.reason,
            tenants: options.tenants !== undefined ? parseTenantList(options.tenants) : undefined,
            percent: options.percent !== undefined ? parsePercent(options.percent) : undefined,
            all: options.all === true,
        };
        const { rollout: record, applied } = await withGatehouse(context, (g) => g.rollouts.promote(input));
        const scope = [
            ...(record.tenants.length > 0 ? [`tenants ${record.tenants.join(", ")}`] : []),
            ...(record.percent > 0 ? [`${record.percent}% of tenants`] : []),
        ].join(" and ");
        context.out.result(applied
            ? `rollout ${record.id} completed: change ${record.changeId} applied at revision ${applied.revision}`
            : `rollout ${record.id} at step ${record.step}: ${scope}`, { ...rolloutJson(record), ...(applied ? { revision: applied.revision } : {}) });
    });
    rollout
        .command("rollback")
        .option("--reason <text>", "why")
        .description("stop the running rollout: every tenant is answered by the active schema again")
        .action(async (options) => {
        const context = contextOf(globals());
        const record = await withGatehouse(context, (g) => g.rollouts.rollback({ actor: context.actor, reason: options.reason }));
        context.out.result(`rollout ${record.id} rolled back`, rolloutJson(record));
    });
    rollout
        .command("status")
        .description("the newest rollout: its step, tenants, monitor and, once ended, why")
        .action(async () => {
        const context = contextOf(globals());
        const status = await withGatehouse(context, (g) => g.rollouts.status());
        context.out.result(() => formatRolloutStatus(status), rolloutStatusJson(status));
    });
}
//# sourceMappingURL=rollout.js.map