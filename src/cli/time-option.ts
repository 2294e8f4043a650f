import { GatehouseError } from "../model/errors.js";
import { isDuration, parseDuration } from "../rollout/duration.js";
import { clockOf } from "./context.js";

/**
 * A `--since`/`--until` value: a UTC time as given (the store checks its form), or a duration
 * such as `30m`, `24h` or `7d` meaning that long ago, as `replay --since` takes it. People reading
 * a log after an incident think in "the last two hours" more often than in timestamps.
 */
export function timeOption(text: string | undefined, field: string): string | undefined {
  if (text === undefined) return text;
  if (!isDuration(text)) {
    // The store checks a time's exact form; what is neither a date nor a duration is said here,
    // with both forms this option takes.
    if (!/^\d{4}-\d\d-\d\d/.test(text))
      throw new GatehouseError(
        "input",
        `invalid ${field} \`${text}\`: expected a UTC time such as \`2030-01-02T03:04:05Z\`, or how long ago, such as \`2h\` or \`7d\` (--${field})`,
      );
    return text;
  }
  const now = (clockOf() ?? (() => new Date()))().getTime();
  return new Date(now - parseDuration(text, field)).toISOString();
}
