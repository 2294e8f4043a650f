/** Whether `text` has the form of a duration (`30m`, `1h30m`), whatever its value. */
export declare function isDuration(text: string): boolean;
/**
 * A span of time as people write it: `90s`, `30m`, `24h`, `7d`, `2w`, or parts together
 * (`1h30m`). Returns milliseconds; anything else is an input error naming `field`.
 */
export declare function parseDuration(text: string, field: string): number;
