/**
 * The `relationships` columns as PostgreSQL queries name them. The layout itself (six text
 * columns, '' for "no subject relation") is every backend's: see `../common/tuples.ts`.
 */
export const TUPLE = "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";
/** The four low-variety columns as one string, split on `SHAPE_SEPARATOR` (char 31). */
export const SHAPE = "resource_type || chr(31) || relation || chr(31) || subject_type || chr(31) || subject_relation";
/** Live at the revision in parameter `$n`. */
export function liveAt(n) {
    return `created_revision <= $${n} AND (deleted_revision IS NULL OR deleted_revision > $${n})`;
}
/** Six parallel text arrays from tuples, for `unnest` (one statement for any number of rows). */
export function tupleColumns(tuples) {
    const columns = [[], [], [], [], [], []];
    for (const tuple of tuples) {
        for (let i = 0; i < 6; i++)
            columns[i].push(tuple[i]);
    }
    return columns;
}
export const UNNEST_TUPLES = (first) => `unnest(${[0, 1, 2, 3, 4, 5].map((i) => `$${first + i}::text[]`).join(", ")}) AS u(rt, ri, rel, st, si, sr)`;
//# sourceMappingURL=tuple-columns.js.map