import type { Dialect, ListColumn } from "../sql/dialect.js";

/**
 * The `relationships` columns as queries name them. The layout itself (six text columns, '' for
 * "no subject relation") is every backend's: see `../common/tuples.ts`.
 */

export const TUPLE = "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";

/** The four low-variety columns as one string, split on `SHAPE_SEPARATOR` (char 31). */
export function shapeColumn(dialect: Dialect): string {
  const s = dialect.unitSeparator;
  return `resource_type || ${s} || relation || ${s} || subject_type || ${s} || subject_relation`;
}

/** Live at the revision in parameter `$n`. */
export function liveAt(n: number): string {
  return `created_revision <= $${n} AND (deleted_revision IS NULL OR deleted_revision > $${n})`;
}

export const TUPLE_LIST: readonly ListColumn[] = ["rt", "ri", "rel", "st", "si", "sr"].map(
  (name) => [name, "text"] as const,
);

/** Tuples given as parameters `$first`... (`tupleParams`), as a table `u(rt, ri, rel, st, si, sr, n)`. */
export function tuplesFrom(dialect: Dialect, first: number): string {
  return dialect.rowsFrom(first, TUPLE_LIST, "u");
}

/** The parameters of `tuplesFrom`: one statement for any number of tuples. */
export function tupleParams(dialect: Dialect, tuples: readonly (readonly string[])[]): unknown[] {
  return dialect.rowsParams(tupleColumns(tuples));
}

/** Tuples as six columns, for `Dialect.rowsParams`. */
export function tupleColumns(tuples: readonly (readonly string[])[]): string[][] {
  const columns: string[][] = [[], [], [], [], [], []];
  for (const tuple of tuples) {
    for (let i = 0; i < 6; i++) columns[i]!.push(tuple[i]!);
  }
  return columns;
}
