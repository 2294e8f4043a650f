import { type Relationship } from "../../model/relationship.js";
/**
 * How every backend lays a relationship out: six text columns, '' for "no subject relation",
 * and the checks a store makes before writing one.
 */
/** resource_type, resource_id, relation, subject_type, subject_id, subject_relation */
export type TupleRow = [string, string, string, string, string, string];
export type Tuple = readonly [string, string, string, string, string, string];
/** No name may contain a control character, so this splits a shape unambiguously. */
export declare const SHAPE_SEPARATOR = "\u001F";
export declare function toRelationship(rt: string, ri: string, rel: string, st: string, si: string, sr: string): Relationship;
export declare function tupleOf(r: Relationship): Tuple;
/** SpiceDB spells "no relation" `...`; the store spells it '' so the live unique index sees one value. */
export declare function subjectRelationColumn(relation: string | null | undefined): string;
/**
 * The store checks tuple syntax (not the schema) because its own invariants depend on it: ''
 * means "no relation" and `*` is only ever a subject wildcard.
 */
export declare function tupleProblem(r: Relationship, subjectRelation: string): string | undefined;
/**
 * Tuples in the order every backend reads in: column by column, each by code point, as SQLite's
 * BINARY and PostgreSQL's "C" collation compare UTF-8 bytes.
 */
export declare function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number;
