import { inputError } from "../../model/errors.js";
/** Records keyed by the type, so that a new intent or state cannot be forgotten here. */
const INTENTS = {
    grant: true,
    revoke: true,
    cleanup: true,
    migration: true,
    model: true,
    delete: true,
    purge: true,
    restore: true,
    merge: true,
    revert: true,
};
const STATES = {
    proposed: true,
    planned: true,
    approved: true,
    applied: true,
    reverted: true,
    rejected: true,
    stale: true,
};
export function checkIntent(intent) {
    if (!Object.hasOwn(INTENTS, intent)) {
        throw inputError(`unknown intent \`${intent}\`: expected one of ${list(INTENTS)}`, { field: "intent" });
    }
    return intent;
}
export function checkState(state) {
    if (!Object.hasOwn(STATES, state)) {
        throw inputError(`unknown change state \`${state}\`: expected one of ${list(STATES)}`, {
            field: "state",
        });
    }
    return state;
}
function list(names) {
    return Object.keys(names)
        .map((name) => `\`${name}\``)
        .join(", ");
}
//# sourceMappingURL=change-checks.js.map