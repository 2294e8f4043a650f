import { inputError } from "../../model/errors.js";
import { checkTenant, OBJECT_ID, RELATION_NAME, TYPE_NAME } from "../../model/names.js";
import { WILDCARD_ID } from "../../model/relationship.js";
import type { SchemaAnswer } from "../../model/schema-answer.js";
import type { DecisionRecord, NewDecision } from "../decision-records.js";
import { checkTime } from "./input-checks.js";
import { subjectRelationColumn } from "./tuples.js";

/**
 * The decision log's record checks, and the row shape of migration 5's `decisions` table, which
 * migration 10 reads to move its rows into pages (`decision-pages.ts`).
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

/**
 * Checks one record before it is written. Records come from answered checks, so a bad one is a
 * bug in the caller, but a store must never hold a row it could not read back as a record.
 */
export function checkDecision(record: NewDecision, index: number): void {
  const place = (field: string) => ({ field: `decisions[${index}].${field}` });
  const bad = (field: string, expected: string) =>
    inputError(`invalid decision record: ${field} must be ${expected}`, place(field));
  if (record === null || typeof record !== "object") throw bad("record", "an object");
  const { at, tenant, resource, permission, subject, allowed, revision, schema } = record;
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
  if (schema !== undefined && schemaAnswerText(schema) === "")
    throw bad("schema", "`{version: N}` (N 0 or more) or `{candidate: CHANGE_ID}`");
}

/**
 * A schema answer as a page stores it: `v7` (version 7), `c12` (the candidate of change 12), or
 * `` when the record has none (or it is malformed: `checkDecision` refuses those).
 */
export function schemaAnswerText(answer: SchemaAnswer | undefined): string {
  if (typeof answer !== "object" || answer === null) return "";
  const keys = Object.keys(answer);
  if (keys.length !== 1) return "";
  if ("version" in answer)
    return Number.isSafeInteger(answer.version) && answer.version >= 0 ? `v${answer.version}` : "";
  if ("candidate" in answer)
    return Number.isSafeInteger(answer.candidate) && answer.candidate >= 1 ? `c${answer.candidate}` : "";
  return "";
}

/** The answer `schemaAnswerText` wrote; undefined for `` (not recorded). */
export function schemaAnswerOf(text: string | undefined): SchemaAnswer | undefined {
  if (text === undefined || text.length < 2) return undefined;
  const n = Number(text.slice(1));
  if (!Number.isSafeInteger(n)) return undefined;
  if (text.charCodeAt(0) === 118 /* v */) return { version: n };
  if (text.charCodeAt(0) === 99 /* c */) return { candidate: n };
  return undefined;
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
