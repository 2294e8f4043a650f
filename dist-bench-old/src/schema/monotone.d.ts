import type { CompiledSchema } from "./compiled.js";
/**
 * Whether every permission reads the given members (`type#name`, a change's touched relations
 * and everything that depends on them) only positively: never under the subtracted side of an
 * exclusion, never through an `.all()` arrow. Then access is monotone in those relations: a
 * change that only deletes relationships of them can only take access away, one that only
 * writes can only give it, so a plan need not check again what cannot move. Conservative: a
 * double negation counts as negative.
 */
export declare function readOnlyPositively(schema: CompiledSchema, members: ReadonlySet<string>): boolean;
