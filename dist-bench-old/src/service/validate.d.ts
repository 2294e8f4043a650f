import type { ValidationFile } from "./validation-file.js";
export interface ValidationFailure {
    readonly file: string | undefined;
    readonly line: number;
    readonly column: number;
    readonly message: string;
}
export interface ValidationReport {
    readonly file: string | undefined;
    /** How many assertions and expected subjects were evaluated. */
    readonly checked: number;
    readonly failures: readonly ValidationFailure[];
}
/**
 * Runs a SpiceDB validation file in memory: its schema and relationships, then every assertion
 * and expected relation. A broken schema or relationship is bad input (thrown, with the place in
 * the YAML file); an assertion that does not hold is a failure in the report.
 */
export declare function runValidationFile(file: ValidationFile): ValidationReport;
