import { GatehouseError } from "../model/errors.js";
import { env } from "./env.js";
/**
 * The decision log's settings for a command: flags (`serve --decision-sample`), else the
 * environment (`GATEHOUSE_DECISION_SAMPLE`, `GATEHOUSE_DECISION_RETENTION`), else the defaults
 * (every check, 30 days). The same environment applies to every command, so a one-off
 * `permission check` records like the server does.
 */
export function decisionLogOptions(flags = {}) {
    const sample = flags.sample ?? env("GATEHOUSE_DECISION_SAMPLE");
    const retention = flags.retention ?? env("GATEHOUSE_DECISION_RETENTION");
    return {
        ...(sample !== undefined ? { sample: parseSample(sample) } : {}),
        ...(retention !== undefined ? { retention: parseRetention(retention) } : {}),
    };
}
function parseSample(text) {
    if (text === "off")
        return "off";
    const value = Number(text);
    if (text.trim() === "" || !(value >= 0 && value <= 1)) {
        throw new GatehouseError("usage", `decision sample expects a fraction from 0 to 1 (1: every check) or \`off\`, got \`${text}\``);
    }
    return value;
}
/** Days, written `30` or `30d`. */
function parseRetention(text) {
    const match = /^(\d+(?:\.\d+)?)d?$/.exec(text);
    const days = match ? Number(match[1]) : Number.NaN;
    if (!(days > 0)) {
        throw new GatehouseError("usage", `decision retention expects a number of days above 0, e.g. \`30d\`, got \`${text}\``);
    }
    return days;
}
//# sourceMappingURL=decision-log-options.js.map