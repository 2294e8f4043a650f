import { isDuration, parseDuration } from "../rollout/duration.js";
import { clockOf } from "./context.js";
/**
 * A `--since`/`--until` value: a UTC time as given (the store checks its form), or a duration
 * such as `30m`, `24h` or `7d` meaning that long ago, as `replay --since` takes it. People reading
 * a log after an incident think in "the last two hours" more often than in timestamps.
 */
export function timeOption(text, field) {
    if (text === undefined || !isDuration(text))
        return text;
    const now = (clockOf() ?? (() => new Date()))().getTime();
    return new Date(now - parseDuration(text, field)).toISOString();
}
//# sourceMappingURL=time-option.js.map