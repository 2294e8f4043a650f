import type { v1 } from "@authzed/authzed-node";
import type { Place } from "../model/errors.js";
import {
  ELLIPSIS,
  type ObjectRef,
  parseObject,
  parseSubject,
  type Relationship,
  type SubjectRef,
} from "../model/relationship.js";
import type { RelationshipFilter } from "../service/records.js";
import { SpicedbError } from "./status.js";

/**
 * Translation between authzed.api.v1 messages and Gatehouse's relationships, one field at a
 * time, so that every refusal names the field (`updates[2].relationship.subject`). Names are
 * checked by Gatehouse's own parsers (prefixed types such as `test/user` included).
 */

const field = (path: string): Place => ({ field: path });

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new SpicedbError("INVALID_ARGUMENT", `\`${path}\` is required`);
  return value;
}

export function objectOf(ref: v1.ObjectReference | undefined, path: string): ObjectRef {
  const o = required(ref, path);
  return parseObject(`${o.objectType}:${o.objectId}`, field(path), path);
}

/** `optional_relation` `""` and `...` both mean the object itself. */
export function subjectOf(ref: v1.SubjectReference | undefined, path: string): SubjectRef {
  const s = required(ref, path);
  const o = required(s.object, `${path}.object`);
  const relation =
    s.optionalRelation === "" || s.optionalRelation === ELLIPSIS ? "" : `#${s.optionalRelation}`;
  return parseSubject(`${o.objectType}:${o.objectId}${relation}`, field(path));
}

/** Caveats and expiring relationships are refused: Gatehouse cannot store or evaluate them yet. */
export function relationshipOf(r: v1.Relationship | undefined, path: string): Relationship {
  const rel = required(r, path);
  if (rel.optionalCaveat !== undefined && rel.optionalCaveat.caveatName !== "")
    throw new SpicedbError(
      "UNIMPLEMENTED",
      `\`${path}.optional_caveat\`: caveated relationships are not supported by Gatehouse yet; nothing was written`,
    );
  if (rel.optionalExpiresAt !== undefined)
    throw new SpicedbError(
      "UNIMPLEMENTED",
      `\`${path}.optional_expires_at\`: expiring relationships are not supported by Gatehouse yet; nothing was written`,
    );
  if (rel.relation === "") throw new SpicedbError("INVALID_ARGUMENT", `\`${path}.relation\` is required`);
  return {
    resource: objectOf(rel.resource, `${path}.resource`),
    relation: rel.relation,
    subject: subjectOf(rel.subject, `${path}.subject`),
  };
}

export function toObjectReference(o: ObjectRef): v1.ObjectReference {
  return { objectType: o.type, objectId: o.id };
}

export function toSubjectReference(s: SubjectRef): v1.SubjectReference {
  return { object: { objectType: s.type, objectId: s.id }, optionalRelation: s.relation ?? "" };
}

export function toRelationship(r: Relationship): v1.Relationship {
  return {
    resource: toObjectReference(r.resource),
    relation: r.relation,
    subject: toSubjectReference(r.subject),
  };
}

/** A SpiceDB filter as Gatehouse's; empty strings are "any", as in the proto. */
export function filterOf(f: v1.RelationshipFilter | undefined, path: string): RelationshipFilter {
  if (!f) return {};
  if (f.optionalResourceIdPrefix !== "")
    throw new SpicedbError(
      "UNIMPLEMENTED",
      `\`${path}.optional_resource_id_prefix\`: filtering by id prefix is not supported by Gatehouse; name the id or leave it out`,
    );
  if (f.optionalResourceId !== "" && f.resourceType === "")
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}.optional_resource_id\` needs \`${path}.resource_type\``,
    );
  const subject = f.optionalSubjectFilter;
  if (subject && subject.subjectType === "")
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}.optional_subject_filter.subject_type\` is required`,
    );
  const relation = subject?.optionalRelation?.relation;
  return {
    ...(f.resourceType !== "" ? { resourceType: f.resourceType } : {}),
    ...(f.optionalResourceId !== "" ? { resourceId: f.optionalResourceId } : {}),
    ...(f.optionalRelation !== "" ? { relation: f.optionalRelation } : {}),
    ...(subject ? { subjectType: subject.subjectType } : {}),
    ...(subject && subject.optionalSubjectId !== "" ? { subjectId: subject.optionalSubjectId } : {}),
    // A relation filter of "" (or `...`) selects subjects without a relation; none selects any.
    ...(relation !== undefined
      ? { subjectRelation: relation === "" || relation === ELLIPSIS ? null : relation }
      : {}),
  };
}

/** Whether a relationship is one a filter selects (fields combine with AND; absent is "any"). */
export function selects(filter: RelationshipFilter, r: Relationship): boolean {
  return (
    (filter.resourceType === undefined || filter.resourceType === r.resource.type) &&
    (filter.resourceId === undefined || filter.resourceId === r.resource.id) &&
    (filter.relation === undefined || filter.relation === r.relation) &&
    (filter.subjectType === undefined || filter.subjectType === r.subject.type) &&
    (filter.subjectId === undefined || filter.subjectId === r.subject.id) &&
    (filter.subjectRelation === undefined || (filter.subjectRelation ?? undefined) === r.subject.relation)
  );
}
