import type { ExplainNode } from "../engine/explain.js";
/** Where a command's results go; `--json` switches every command to one JSON document. */
export interface Output {
    readonly json: boolean;
    /** Prints a result: `human` for people, `data` for `--json`. */
    result(human: string | (() => string), data: unknown): void;
    /** Progress and notes for people, on stderr, only when stderr is a terminal. */
    progress(text: string): void;
    doneProgress(): void;
}
export declare function createOutput(json: boolean): Output;
export declare function formatError(error: unknown, json: boolean): string;
/** An explain tree as an indented proof, one step a line. */
export declare function formatExplain(node: ExplainNode, indent?: string): string;
