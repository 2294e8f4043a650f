/**
 * The `relationships` columns as PostgreSQL queries name them. The layout itself (six text
 * columns, '' for "no subject relation") is every backend's: see `../common/tuples.ts`.
 */
export declare const TUPLE = "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";
/** The four low-variety columns as one string, split on `SHAPE_SEPARATOR` (char 31). */
export declare const SHAPE = "resource_type || chr(31) || relation || chr(31) || subject_type || chr(31) || subject_relation";
/** Live at the revision in parameter `$n`. */
export declare function liveAt(n: number): string;
/** Six parallel text arrays from tuples, for `unnest` (one statement for any number of rows). */
export declare function tupleColumns(tuples: readonly (readonly string[])[]): string[][];
export declare const UNNEST_TUPLES: (first: number) => string;
