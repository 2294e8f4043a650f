import { GatehouseError } from "../model/errors.js";
/** The text forms of a rollout's options, as the CLI takes them. */
/** `5%` or `0.05`: how far the candidate's deny rate may exceed the baseline's. */
export function parseMargin(text, field = "--margin") {
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
    const value = percent ? Number(percent[1]) / 100 : /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= 0 && value <= 1)) {
        throw new GatehouseError("usage", `${field} expects a fraction from 0 to 1 or a percent (\`0.05\`, \`5%\`), got \`${text}\``, {
            field,
        });
    }
    return value;
}
const UNITS = { s: 1, m: 60, h: 3600 };
/** `90`, `90s`, `5m`, `1h`: whole seconds. */
export function parseWindow(text, field = "--window") {
    const match = /^(\d+)([smh]?)$/.exec(text);
    const seconds = match ? Number(match[1]) * (UNITS[match[2] || "s"] ?? 1) : 0;
    if (!Number.isSafeInteger(seconds) || seconds < 1) {
        throw new GatehouseError("usage", `${field} expects a duration such as \`60s\`, \`5m\` or \`1h\`, got \`${text}\``, {
            field,
        });
    }
    return seconds;
}
export function parseCount(text, field) {
    if (!/^\d+$/.test(text) || Number(text) < 1) {
        throw new GatehouseError("usage", `${field} expects a whole number, 1 or more, got \`${text}\``, {
            field,
        });
    }
    return Number(text);
}
export function parsePercent(text, field = "--percent") {
    const match = /^(\d+)%?$/.exec(text);
    const value = match ? Number(match[1]) : Number.NaN;
    if (!(value >= 1 && value <= 100)) {
        throw new GatehouseError("usage", `${field} expects a whole percent from 1 to 100, got \`${text}\``, {
            field,
        });
    }
    return value;
}
/** `A,B,C`: tenant names, each checked by the rollout layer. */
export function parseTenantList(text, field = "--tenants") {
    const tenants = text
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "");
    if (tenants.length === 0)
        throw new GatehouseError("usage", `${field} expects tenant names separated by commas`, { field });
    return tenants;
}
//# sourceMappingURL=rollout-options.js.map