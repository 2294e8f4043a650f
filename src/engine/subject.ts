import type { CheckLine } from "../model/check-names.js";
import type { ObjectRef, SubjectRef } from "../model/relationship.js";
import { type DataIndex, NO_RELATION } from "./data-index.js";

/**
 * A check's subject resolved against one tenant's index. Objects the index has never seen get
 * negative numbers that match nothing in the data, yet still equal each other when the
 * resource and the subject name the same unknown object (SpiceDB's "a userset contains itself").
 */
export interface ResolvedSubject {
  readonly object: number;
  /** Relation slot, `NO_RELATION` for a plain object, or -2 for a relation name with no data. */
  readonly relation: number;
  /** The subject relation's name, for the "a userset contains itself" rule. */
  readonly relationName?: string | undefined;
  /** The wildcard object of the subject's type (`user:*`) if the data has one, else -1. */
  readonly wildcard: number;
}

export const UNKNOWN_RELATION = -2;
const PHANTOM_RESOURCE = -2;
const PHANTOM_SUBJECT = -3;

export function resolveResource(data: DataIndex, resource: ObjectRef): number {
  return data.objectOf(resource.type, resource.id) ?? PHANTOM_RESOURCE;
}

export function resolveSubject(data: DataIndex, subject: SubjectRef, resource?: ObjectRef): ResolvedSubject {
  const object =
    data.objectOf(subject.type, subject.id) ??
    (resource !== undefined && resource.type === subject.type && resource.id === subject.id
      ? PHANTOM_RESOURCE
      : PHANTOM_SUBJECT);
  return resolved(data, object, subject.type, subject.relation);
}

/** `resolveResource` of a check line's resource (its id a range of `text`: no string made for it). */
export function resolveLineResource(data: DataIndex, text: string, line: CheckLine): number {
  return data.objectIn(line.resourceType, text, line.resourceStart, line.resourceEnd) ?? PHANTOM_RESOURCE;
}

/** `resolveSubject` of a check line's subject, beside its resource. */
export function resolveLineSubject(data: DataIndex, text: string, line: CheckLine): ResolvedSubject {
  const { subjectType: type, subjectStart: start, subjectEnd: end } = line;
  let object = data.objectIn(type, text, start, end);
  if (object === undefined) {
    const length = end - start;
    const same =
      line.resourceType === type &&
      line.resourceEnd - line.resourceStart === length &&
      text.startsWith(text.slice(start, end), line.resourceStart);
    object = same ? PHANTOM_RESOURCE : PHANTOM_SUBJECT;
  }
  return resolved(data, object, type, line.subjectRelation);
}

function resolved(
  data: DataIndex,
  object: number,
  type: string,
  relationName: string | undefined,
): ResolvedSubject {
  const relation =
    relationName === undefined ? NO_RELATION : (data.relationId(relationName) ?? UNKNOWN_RELATION);
  const typeId = data.typeId(type);
  // A wildcard grants every subject of its type, usersets included (`doc:*` matches
  // `doc:b#reader`), as SpiceDB answers.
  const wildcard = typeId !== undefined ? data.wildcardOf[typeId]! : -1;
  return { object, relation, relationName, wildcard };
}
