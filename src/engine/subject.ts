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
  let object = data.objectOf(subject.type, subject.id);
  if (object === undefined) {
    object =
      resource !== undefined && resource.type === subject.type && resource.id === subject.id
        ? PHANTOM_RESOURCE
        : PHANTOM_SUBJECT;
  }
  const relation =
    subject.relation === undefined ? NO_RELATION : (data.relationId(subject.relation) ?? UNKNOWN_RELATION);
  const typeId = data.typeId(subject.type);
  // A wildcard grants every subject of its type, usersets included (`doc:*` matches
  // `doc:b#reader`), as SpiceDB answers.
  const wildcard = typeId !== undefined ? data.wildcardOf[typeId]! : -1;
  return { object, relation, relationName: subject.relation, wildcard };
}
