import { OBJECT_ID, RELATION_NAME, TYPE_NAME } from "../../model/names.js";
import { ELLIPSIS, type Relationship, WILDCARD_ID } from "../../model/relationship.js";

/**
 * How every backend lays a relationship out: six text columns, '' for "no subject relation",
 * and the checks a store makes before writing one.
 */

/** resource_type, resource_id, relation, subject_type, subject_id, subject_relation */
export type TupleRow = [string, string, string, string, string, string];
export type Tuple = readonly [string, string, string, string, string, string];

/** No name may contain a control character, so this splits a shape unambiguously. */
export const SHAPE_SEPARATOR = "\x1f";

export function toRelationship(
  rt: string,
  ri: string,
  rel: string,
  st: string,
  si: string,
  sr: string,
): Relationship {
  return {
    resource: { type: rt, id: ri },
    relation: rel,
    subject: sr === "" ? { type: st, id: si } : { type: st, id: si, relation: sr },
  };
}

export function tupleOf(r: Relationship): Tuple {
  return [r.resource.type, r.resource.id, r.relation, r.subject.type, r.subject.id, r.subject.relation ?? ""];
}

/** SpiceDB spells "no relation" `...`; the store spells it '' so the live unique index sees one value. */
export function subjectRelationColumn(relation: string | null | undefined): string {
  return relation === undefined || relation === null || relation === ELLIPSIS ? "" : relation;
}

/**
 * The store checks tuple syntax (not the schema) because its own invariants depend on it: ''
 * means "no relation" and `*` is only ever a subject wildcard.
 */
export function tupleProblem(r: Relationship, subjectRelation: string): string | undefined {
  if (!TYPE_NAME.test(r.resource.type)) return `invalid resource type \`${r.resource.type}\``;
  if (!OBJECT_ID.test(r.resource.id)) return `invalid resource id \`${r.resource.id}\``;
  if (!RELATION_NAME.test(r.relation)) return `invalid relation \`${r.relation}\``;
  if (!TYPE_NAME.test(r.subject.type)) return `invalid subject type \`${r.subject.type}\``;
  if (r.subject.id === WILDCARD_ID) {
    if (subjectRelation !== "") return "a wildcard subject cannot have a relation";
  } else if (!OBJECT_ID.test(r.subject.id)) {
    return `invalid subject id \`${r.subject.id}\``;
  }
  if (subjectRelation !== "" && !RELATION_NAME.test(subjectRelation)) {
    return `invalid subject relation \`${subjectRelation}\``;
  }
  return undefined;
}

/**
 * `tupleProblem` for many rows (an import's): each distinct type and relation name is tested
 * once, the ids every row. Answers what `tupleProblem` answers.
 */
export class TupleChecks {
  readonly #types = new Set<string>();
  readonly #relations = new Set<string>();

  problem(r: Relationship, subjectRelation: string): string | undefined {
    if (
      this.#types.has(r.resource.type) &&
      this.#types.has(r.subject.type) &&
      this.#relations.has(r.relation) &&
      (subjectRelation === "" || this.#relations.has(subjectRelation)) &&
      OBJECT_ID.test(r.resource.id) &&
      (r.subject.id === WILDCARD_ID ? subjectRelation === "" : OBJECT_ID.test(r.subject.id))
    )
      return undefined;
    const problem = tupleProblem(r, subjectRelation);
    if (problem === undefined) {
      this.#types.add(r.resource.type).add(r.subject.type);
      this.#relations.add(r.relation);
      if (subjectRelation !== "") this.#relations.add(subjectRelation);
    }
    return problem;
  }
}

/**
 * Tuples in the order every backend reads in: column by column, each by code point, as SQLite's
 * BINARY and PostgreSQL's "C" collation compare UTF-8 bytes.
 */
export function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
