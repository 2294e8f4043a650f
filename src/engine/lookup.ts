import type { ObjectRef, SubjectRef } from "../model/relationship.js";
import type { MemberDef } from "../schema/compiled.js";
import { iterate, NO_RELATION } from "./data-index.js";
import { edgeKey, keyObject } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import { LookupSets } from "./lookup-sets.js";
import { type ResolvedSubject, resolveResource, resolveSubject } from "./subject.js";

/**
 * Lookups enumerate candidates by walking the relationship graph from the known end, then
 * confirm each candidate with a check. Any grant needs a chain of relationships from the
 * subject (or its type's wildcard) to the resource, so the walk finds a superset of the answer,
 * and the check makes it exact: lookups can never disagree with checks.
 */

/** Resources of type `resourceType` on which `subject` has `member`, as object ids, sorted. */
export function lookupResources(evaluator: Evaluator, member: MemberDef, subject: SubjectRef): string[] {
  const data = evaluator.data;
  evaluator.refresh();
  const resolved = resolveSubject(data, subject);
  const typeId = data.typeId(member.type.name);
  const found: string[] = [];
  // A userset subject on an object the data has never seen (`doc:d0#member` with no relationship
  // naming doc:d0) can still qualify on that object: a userset contains itself, and a permission
  // built on that relation grants it (SpiceDB answers so too). No walk reaches it, so ask the check.
  const unseenSelf =
    resolved.object < 0 &&
    subject.type === member.type.name &&
    subject.relation !== undefined &&
    evaluator.check(resolved.object, member, resolved);
  if (typeId === undefined) {
    if (unseenSelf) found.push(subject.id);
    return found;
  }
  const seen = new Set<number>();
  const queue: number[] = [];
  const start = (object: number) => {
    if (object >= 0 && !seen.has(object)) {
      seen.add(object);
      queue.push(object);
    }
  };
  start(resolved.object);
  start(resolved.wildcard);
  for (let i = 0; i < queue.length; i++) {
    for (const key of iterate(data.reverse.get(queue[i]!))) start(keyObject(key));
  }
  if (unseenSelf) found.push(subject.id);
  for (const object of seen) {
    if (data.objectTypes[object] !== typeId || object === resolved.wildcard) continue;
    if (evaluator.check(object, member, resolved)) found.push(data.idOf(object));
  }
  return found.sort();
}

export interface FoundSubject {
  /** `id` is `*` for a wildcard. */
  readonly subject: SubjectRef;
  /** For a wildcard: the subjects of the type that it does not include. */
  readonly excluded: readonly SubjectRef[];
}

/**
 * Subjects of `subjectType` (with `subjectRelation`, if given) that have `member` on `object`.
 * When every subject of the type qualifies through a wildcard, the answer holds `type:*` with
 * the known exceptions, as SpiceDB's LookupSubjects does.
 */
export function lookupSubjects(
  evaluator: Evaluator,
  resource: ObjectRef,
  member: MemberDef,
  subjectType: string,
  subjectRelation?: string,
): FoundSubject[] {
  const data = evaluator.data;
  evaluator.refresh();
  const result: FoundSubject[] = [];
  const object = resolveResource(data, resource);
  const typeId = data.typeId(subjectType);
  if (object < 0 || typeId === undefined) {
    // The resource as a userset of itself (`doc:d0#member` on doc:d0) qualifies even when no
    // relationship names the resource: a userset contains itself, as checks and SpiceDB answer.
    if (subjectRelation !== undefined && subjectType === resource.type) {
      const self = resolveSubject(
        data,
        { type: subjectType, id: resource.id, relation: subjectRelation },
        resource,
      );
      if (evaluator.check(object, member, self))
        result.push({
          subject: { type: subjectType, id: resource.id, relation: subjectRelation },
          excluded: [],
        });
    }
    return result;
  }

  const relationSlot = subjectRelation === undefined ? NO_RELATION : (data.relationId(subjectRelation) ?? -2);
  const wildcard = data.wildcardOf[typeId]!;
  // Without a wildcard of the type in the data, the subjects SpiceDB names are exactly those
  // the checks grant: every object of the type that a walk from the resource reaches is a
  // candidate. With one, SpiceDB names only the subjects that concrete relationships put in the
  // member's subject set, and the wildcard stands for the rest (lookup-sets.ts). Each confirmed
  // by a check either way, so lookups never disagree with checks.
  const found =
    wildcard < 0
      ? { concrete: reachedObjects(data, object, typeId), wildcard: false, excluded: new Set<number>() }
      : new LookupSets(evaluator, typeId, relationSlot, subjectRelation).of(object, member);
  const allowed: SubjectRef[] = [];
  const denied: SubjectRef[] = [];
  const confirm = (candidate: number, named: boolean) => {
    const subject: ResolvedSubject = {
      object: candidate,
      relation: relationSlot,
      relationName: subjectRelation,
      wildcard,
    };
    const ref = data.subjectRef(candidate, relationSlot < 0 ? NO_RELATION : relationSlot);
    const shown = subjectRelation === undefined ? ref : { ...ref, relation: subjectRelation };
    if (!evaluator.check(object, member, subject)) denied.push(shown);
    else if (named) allowed.push(shown);
  };
  for (const candidate of found.concrete) confirm(candidate, true);
  if (found.wildcard)
    for (const candidate of found.excluded) if (!found.concrete.has(candidate)) confirm(candidate, false);
  if (found.wildcard && wildcard >= 0) {
    // A subject the data has never seen stands for "everyone else" of the type.
    const anyone: ResolvedSubject = {
      object: -3,
      relation: relationSlot,
      relationName: subjectRelation,
      wildcard,
    };
    if (evaluator.check(object, member, anyone)) {
      result.push({ subject: { type: subjectType, id: "*" }, excluded: denied.sort(compareSubjects) });
    }
  }
  for (const subject of allowed.sort(compareSubjects)) result.push({ subject, excluded: [] });
  return result;
}

/** Every object of type `typeId` (its wildcard aside) that relationships lead to from `object`. */
function reachedObjects(data: Evaluator["data"], object: number, typeId: number): Set<number> {
  const seen = new Set<number>([object]);
  const queue = [object];
  const relationCount = data.relationNames.length;
  const visit = (next: number) => {
    if (!seen.has(next)) {
      seen.add(next);
      queue.push(next);
    }
  };
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (let slot = 0; slot < relationCount; slot++) {
      for (const next of iterate(data.direct.get(edgeKey(at, slot)))) visit(next);
      for (const value of iterate(data.usersets.get(edgeKey(at, slot)))) visit(keyObject(value));
    }
  }
  const found = new Set<number>();
  for (const candidate of seen) if (data.objectTypes[candidate] === typeId) found.add(candidate);
  return found;
}

function compareSubjects(a: SubjectRef, b: SubjectRef): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
