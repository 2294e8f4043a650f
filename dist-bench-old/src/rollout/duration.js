import { GatehouseError } from "../model/errors.js";
const UNIT_MS = {
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 7 * 86_400_000,
};
/** Whether `text` has the form of a duration (`30m`, `1h30m`), whatever its value. */
export function isDuration(text) {
    return /^(\d+[smhdw])+$/.test(text);
}
/**
 * A span of time as people write it: `90s`, `30m`, `24h`, `7d`, `2w`, or parts together
 * (`1h30m`). Returns milliseconds; anything else is an input error naming `field`.
 */
export function parseDuration(text, field) {
    const valid = typeof text === "string" && isDuration(text);
    let ms = 0;
    if (valid)
        for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g))
            ms += Number(n) * UNIT_MS[unit];
    if (!valid || ms === 0 || !Number.isSafeInteger(ms)) {
        throw new GatehouseError("input", `invalid ${field} \`${String(text)}\`: expected a duration such as \`30m\`, \`24h\`, \`7d\` or \`1h30m\``, { field });
    }
    return ms;
}
//# sourceMappingURL=duration.js.map