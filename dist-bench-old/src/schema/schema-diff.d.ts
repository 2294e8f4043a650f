import type { CompiledSchema } from "./compiled.js";
/**
 * The members (`type#name`) whose answers may differ between two schemas: those whose own
 * definition changed, appeared or disappeared, and every member that depends on one of them,
 * in either schema. A plan evaluates exactly these for a model change.
 */
export declare function changedMembers(before: CompiledSchema | undefined, after: CompiledSchema | undefined): Set<string>;
/**
 * The members (`type#name`) whose answers can depend on the given ones: the seeds and,
 * transitively, every member that reads one of them (through a reference, an arrow or a
 * userset). A data change to relation `document#viewer` can move exactly these.
 */
export declare function dependentMembers(schema: CompiledSchema, seeds: Iterable<string>): Set<string>;
