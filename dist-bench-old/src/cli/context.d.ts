import type { DecisionLogOptions } from "../service/decision-log.js";
import { Gatehouse } from "../service/gatehouse.js";
import { type Output } from "./output.js";
/** Options every command accepts (see `main.ts`). */
export interface GlobalOptions {
    store?: string;
    tenant?: string;
    json?: boolean;
    as?: string;
}
export interface CommandContext {
    readonly storeLocation: string;
    readonly tenant: string;
    readonly actor: string;
    readonly out: Output;
    /** Every command records the checks it answers (see `decision-log-options.ts`). */
    readonly decisionLog: DecisionLogOptions;
}
export declare function contextOf(options: GlobalOptions): CommandContext;
/**
 * `GATEHOUSE_NOW` (an ISO time) fixes the clock of one command, for rehearsals and tests of
 * time-bound rules such as the retention window before a purge. The store records the same
 * time, so approvals and plans of that command compare on one clock.
 */
export declare function clockOf(): (() => Date) | undefined;
/** Opens the store for one command and always closes it, so the SQLite file is left clean. */
export declare function withGatehouse<T>(context: CommandContext, run: (gatehouse: Gatehouse) => Promise<T>): Promise<T>;
/** Reads a file argument, or standard input for `-`. */
export declare function readInput(path: string): {
    text: string;
    file: string;
};
export declare function parseRevision(text: string | undefined, flag: string): number | undefined;
