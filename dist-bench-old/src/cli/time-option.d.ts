/**
 * A `--since`/`--until` value: a UTC time as given (the store checks its form), or a duration
 * such as `30m`, `24h` or `7d` meaning that long ago, as `replay --since` takes it. People reading
 * a log after an incident think in "the last two hours" more often than in timestamps.
 */
export declare function timeOption(text: string | undefined, field: string): string | undefined;
