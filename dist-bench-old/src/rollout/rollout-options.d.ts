/** The text forms of a rollout's options, as the CLI takes them. */
/** `5%` or `0.05`: how far the candidate's deny rate may exceed the baseline's. */
export declare function parseMargin(text: string, field?: string): number;
/** `90`, `90s`, `5m`, `1h`: whole seconds. */
export declare function parseWindow(text: string, field?: string): number;
export declare function parseCount(text: string, field: string): number;
export declare function parsePercent(text: string, field?: string): number;
/** `A,B,C`: tenant names, each checked by the rollout layer. */
export declare function parseTenantList(text: string, field?: string): string[];
