/**
 * The `relationships` columns as SQLite queries name them. The layout itself (six text columns,
 * '' for "no subject relation") is every backend's: see `../common/tuples.ts`.
 */
export declare const TUPLE = "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";
/** The four low-variety columns as one string, split on `SHAPE_SEPARATOR` (char 31). */
export declare const SHAPE = "resource_type || char(31) || relation || char(31) || subject_type || char(31) || subject_relation";
/** Two parameters, both the revision. */
export declare const LIVE_AT = "created_revision <= ? AND (deleted_revision IS NULL OR deleted_revision > ?)";
