import { inputError } from "../../model/errors.js";
import { checkTenant, OBJECT_ID, RELATION_NAME, TYPE_NAME } from "../../model/names.js";
import { WILDCARD_ID } from "../../model/relationship.js";
import type { DecisionFilter, DecisionRecord, NewDecision } from "../decision-records.js";
import { checkLimit, checkTime } from "./input-checks.js";
import { subjectRelationColumn } from "./tuples.js";

/**
 * The decision log's row shape and queries, shared by every backend; only the placeholders and
 * how `allowed` is spelled (SQLite 0/1, PostgreSQL boolean) differ.
 */
export const DECISION_COLUMNS =
  "seq, at, tenant, resource_type, resource_id, permission, subject_type, subject_id, subject_relation, allowed, revision";

export type DecisionRow = [
  seq: number,
  at: string,
  tenant: string,
  resourceType: string,
  resourceId: string,
  permission: string,
  subjectType: string,
  subjectId: string,
  /** '' for a subject without a relation, as in the relationship tables. */
  subjectRelation: string,
  allowed: boolean | number,
  revision: number,
];

/** The columns of a new record, in `DECISION_COLUMNS` order after `seq`. */
export type DecisionValues = [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  boolean,
  number,
];

/**
 * Checks one record before it is written. Records come from answered checks, so a bad one is a
 * bug in the caller, but a store must never hold a row it could not read back as a record.
 */
export function decisionValues(record: NewDecision, index: number): DecisionValues {
  const place = (field: string) => ({ field: `decisions[${index}].${field}` });
  const bad = (field: string, expected: string) =>
    inputError(`invalid decision record: ${field} must be ${expected}`, place(field));
  if (record === null || typeof record !== "object") throw bad("record", "an object");
  const { at, tenant, resource, permission, subject, allowed, revision } = record;
  checkTime(at, place("at").field);
  checkTenant(tenant, place("tenant"));
  if (typeof resource?.type !== "string" || !TYPE_NAME.test(resource.type))
    throw bad("resource.type", "a type name");
  if (typeof resource.id !== "string" || !OBJECT_ID.test(resource.id))
    throw bad("resource.id", "an object id");
  if (typeof permission !== "string" || !RELATION_NAME.test(permission))
    throw bad("permission", "a permission name");
  if (typeof subject?.type !== "string" || !TYPE_NAME.test(subject.type))
    throw bad("subject.type", "a type name");
  if (typeof subject.id !== "string" || (subject.id !== WILDCARD_ID && !OBJECT_ID.test(subject.id)))
    throw bad("subject.id", "an object id or `*`");
  const relation = subjectRelationColumn(subject.relation);
  if (relation !== "" && !RELATION_NAME.test(relation)) throw bad("subject.relation", "a relation name");
  if (typeof allowed !== "boolean") throw bad("allowed", "true or false");
  if (!Number.isSafeInteger(revision) || revision < 0) throw bad("revision", "a whole number, 0 or more");
  return [
    at,
    tenant,
    resource.type,
    resource.id,
    permission,
    subject.type,
    subject.id,
    relation,
    allowed,
    revision,
  ];
}

function checkRevisionBound(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw inputError(`invalid ${field} \`${value}\`: expected a whole number, 0 or more`, { field });
  }
  return value;
}

/**
 * The query listing records, oldest first. `since` is inclusive and `until` exclusive (as for
 * the audit log); the revision bounds are both inclusive, as a revision range is spoken of.
 */
export function decisionQuery(
  filter: DecisionFilter,
  placeholder: (n: number) => string,
  allowedValue: (allowed: boolean) => unknown,
): { text: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    params.push(value);
    conditions.push(`${condition} ${placeholder(params.length)}`);
  };
  if (filter.tenant !== undefined) add("tenant =", checkTenant(filter.tenant, { field: "tenant" }));
  if (filter.resource !== undefined) {
    add("resource_type =", filter.resource.type);
    add("resource_id =", filter.resource.id);
  }
  if (filter.permission !== undefined) add("permission =", filter.permission);
  if (filter.subject !== undefined) {
    add("subject_type =", filter.subject.type);
    add("subject_id =", filter.subject.id);
    add("subject_relation =", subjectRelationColumn(filter.subject.relation));
  }
  if (filter.allowed !== undefined) {
    if (typeof filter.allowed !== "boolean")
      throw inputError("invalid allowed: expected true or false", { field: "allowed" });
    add("allowed =", allowedValue(filter.allowed));
  }
  if (filter.since !== undefined) add("at >=", checkTime(filter.since, "since"));
  if (filter.until !== undefined) add("at <", checkTime(filter.until, "until"));
  if (filter.fromRevision !== undefined)
    add("revision >=", checkRevisionBound(filter.fromRevision, "fromRevision"));
  if (filter.toRevision !== undefined)
    add("revision <=", checkRevisionBound(filter.toRevision, "toRevision"));
  if (filter.afterSeq !== undefined) add("seq >", checkRevisionBound(filter.afterSeq, "afterSeq"));
  let text = `SELECT ${DECISION_COLUMNS} FROM decisions`;
  if (conditions.length > 0) text += ` WHERE ${conditions.join(" AND ")}`;
  text += " ORDER BY seq";
  if (filter.limit !== undefined) {
    params.push(checkLimit(filter.limit, "limit"));
    text += ` LIMIT ${placeholder(params.length)}`;
  }
  return { text, params };
}

export function toDecisionRecord([
  seq,
  at,
  tenant,
  resourceType,
  resourceId,
  permission,
  subjectType,
  subjectId,
  subjectRelation,
  allowed,
  revision,
]: DecisionRow): DecisionRecord {
  return {
    seq,
    at,
    tenant,
    resource: { type: resourceType, id: resourceId },
    permission,
    subject:
      subjectRelation === ""
        ? { type: subjectType, id: subjectId }
        : { type: subjectType, id: subjectId, relation: subjectRelation },
    allowed: allowed === true || allowed === 1,
    revision,
  };
}
