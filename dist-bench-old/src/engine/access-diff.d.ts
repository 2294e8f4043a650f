import type { MemberDef, TypeDef } from "../schema/compiled.js";
import { type DataIndex } from "./data-index.js";
import type { SubjectSet } from "./subject-set.js";
/**
 * One access that a change adds or removes: `subject` gains or loses `permission` on `resource`.
 * A wildcard subject (`user:*`) stands for every subject of its type except those in `except`,
 * which the plan lists on their own rows or which keep their access.
 */
export interface AccessRow {
    readonly tenant: string;
    readonly resource: string;
    readonly permission: string;
    readonly subject: string;
    readonly except?: readonly string[];
}
export interface AccessDiff {
    readonly gained: AccessRow[];
    readonly lost: AccessRow[];
}
/**
 * Adds to `diff` the rows that turn `before` into `after` for one (resource, permission).
 * Every subject either set names is compared on its own; a type's wildcard row says what
 * happens to all the others.
 */
export declare function diffSubjectSets(data: DataIndex, tenant: string, resource: string, permission: string, before: SubjectSet, after: SubjectSet, diff: AccessDiff): void;
/**
 * Objects whose access can depend on the given ones: the objects themselves and, transitively,
 * every object that names one of them as a subject (through a userset or an arrow).
 */
export declare function dependents(data: DataIndex, seeds: Iterable<number>, into?: Set<number>): Set<number>;
/** The permissions of a type, the rows of a plan (relations are data and appear in its data delta). */
export declare function permissionsOf(type: TypeDef | undefined): MemberDef[];
export declare function compareRows(x: AccessRow, y: AccessRow): number;
/** Orders strings by code unit, as the store's `COLLATE "C"` does (not by locale). */
export declare function compareText(a: string, b: string): number;
