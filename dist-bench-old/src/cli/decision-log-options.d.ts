import type { DecisionLogOptions } from "../service/decision-log.js";
/**
 * The decision log's settings for a command: flags (`serve --decision-sample`), else the
 * environment (`GATEHOUSE_DECISION_SAMPLE`, `GATEHOUSE_DECISION_RETENTION`), else the defaults
 * (every check, 30 days). The same environment applies to every command, so a one-off
 * `permission check` records like the server does.
 */
export declare function decisionLogOptions(flags?: {
    sample?: string;
    retention?: string;
}): DecisionLogOptions;
