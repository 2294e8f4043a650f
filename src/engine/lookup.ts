import type { ObjectRef, SubjectRef } from "../model/relationship.js";
import type { CaveatResult } from "../schema/caveats/caveat-result.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
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

/** Options of the lookups that may answer conditionally (data with caveats). */
export interface LookupOptions {
  /** The request's caveat context. */
  readonly context?: CaveatContext | undefined;
  /** List the answers that are conditional too, each naming its missing parameters. */
  readonly conditional?: boolean;
}

/** A resource found by a lookup; `conditional` names the missing context parameters, if any. */
export interface FoundResource {
  readonly id: string;
  readonly conditional?: readonly string[];
}

/** Resources of type `resourceType` on which `subject` has `member`, as object ids, sorted. */
export function lookupResources(evaluator: Evaluator, member: MemberDef, subject: SubjectRef): string[] {
  return lookupResourcesWith(evaluator, member, subject).map((r) => r.id);
}

/**
 * Resources of type `resourceType` on which `subject` has `member` under `options.context`,
 * sorted by id; with `options.conditional`, those it has only conditionally too (as SpiceDB's
 * LookupResources names them CONDITIONAL_PERMISSION).
 */
export function lookupResourcesWith(
  evaluator: Evaluator,
  member: MemberDef,
  subject: SubjectRef,
  options: LookupOptions = {},
): FoundResource[] {
  const data = evaluator.data;
  evaluator.refresh();
  const resolved = resolveSubject(data, subject);
  const typeId = data.typeId(member.type.name);
  const found: FoundResource[] = [];
  const decide = (object: number) => evaluator.decide(object, member, resolved, options.context);
  const keep = (id: string, answer: CaveatResult) => {
    if (answer.kind === "true") found.push({ id });
    else if (answer.kind === "conditional" && options.conditional === true)
      found.push({ id, conditional: answer.missing });
  };
  // A subject on an object the data has never seen (`doc:d0#member` with no relationship naming
  // doc:d0, or `user:u0` under `self`) can still qualify on that object: a userset contains
  // itself, and `self` grants the object itself (SpiceDB answers so too). No walk reaches it,
  // so ask the check.
  const unseenSelf =
    resolved.object < 0 && subject.type === member.type.name ? decide(resolved.object) : undefined;
  if (typeId === undefined) {
    if (unseenSelf) keep(subject.id, unseenSelf);
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
  if (unseenSelf) keep(subject.id, unseenSelf);
  for (const object of seen) {
    if (data.objectTypes[object] !== typeId || object === resolved.wildcard) continue;
    keep(data.idOf(object), decide(object));
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A resource found by a lookup, with its type (as the service answers it). */
export type FoundObject = ObjectRef & { readonly conditional?: readonly string[] };

export interface FoundSubject {
  /** `id` is `*` for a wildcard. */
  readonly subject: SubjectRef;
  /** For a wildcard: the subjects of the type that it does not include. */
  readonly excluded: readonly SubjectRef[];
  /** Present when the subject has the permission only conditionally: the missing parameters. */
  readonly conditional?: readonly string[];
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
  options: LookupOptions = {},
): FoundSubject[] {
  const data = evaluator.data;
  evaluator.refresh();
  const result: FoundSubject[] = [];
  /** The answer for one subject: granted (with the parameters it still needs, if any), or not. */
  const granted = (
    object: number,
    subject: ResolvedSubject,
  ): { conditional?: readonly string[] } | undefined => {
    const answer = evaluator.decide(object, member, subject, options.context);
    if (answer.kind === "true") return {};
    if (answer.kind === "conditional" && options.conditional === true) return { conditional: answer.missing };
    return undefined;
  };
  const object = resolveResource(data, resource);
  const typeId = data.typeId(subjectType);
  if (object < 0 || typeId === undefined) {
    // The resource as a userset of itself (`doc:d0#member` on doc:d0) qualifies even when no
    // relationship names the resource: a userset contains itself, as checks and SpiceDB answer;
    // so does the resource itself under `self`.
    if (subjectType === resource.type) {
      const shown: SubjectRef =
        subjectRelation === undefined
          ? { type: subjectType, id: resource.id }
          : { type: subjectType, id: resource.id, relation: subjectRelation };
      const answer = granted(object, resolveSubject(data, shown, resource));
      if (answer) result.push({ subject: shown, excluded: [], ...answer });
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
  // Where caveated or expiring relationships can be met, the subject sets (two-valued, every
  // edge granting) are no superset of the answer: a caveat that is false on a `banned` edge
  // gives back what the set subtracted. Every object a walk reaches is then a candidate, each
  // confirmed by a check, and the wildcard (when it grants) stands for those not reached.
  const found =
    wildcard < 0
      ? { concrete: reachedObjects(data, object, typeId), wildcard: false, excluded: new Set<number>() }
      : evaluator.meetsConditions(member)
        ? {
            concrete: reachedObjects(data, object, typeId, wildcard),
            wildcard: true,
            excluded: new Set<number>(),
          }
        : new LookupSets(evaluator, typeId, relationSlot, subjectRelation).of(object, member);
  const allowed: FoundSubject[] = [];
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
    const answer = granted(object, subject);
    // A conditional subject is not among those the wildcard grants outright: it is excluded from
    // the wildcard and listed on its own, conditionally.
    if (!answer || answer.conditional) denied.push(shown);
    if (answer && (named || answer.conditional)) allowed.push({ subject: shown, excluded: [], ...answer });
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
    const answer = granted(object, anyone);
    if (answer) {
      result.push({
        subject: { type: subjectType, id: "*" },
        excluded: denied.sort(compareSubjects),
        ...answer,
      });
    }
  }
  for (const found of allowed.sort((a, b) => compareSubjects(a.subject, b.subject))) result.push(found);
  return result;
}

/** Every object of type `typeId` (its wildcard aside) that relationships lead to from `object`. */
function reachedObjects(data: Evaluator["data"], object: number, typeId: number, wildcard = -1): Set<number> {
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
  for (const candidate of seen)
    if (data.objectTypes[candidate] === typeId && candidate !== wildcard) found.add(candidate);
  return found;
}

function compareSubjects(a: SubjectRef, b: SubjectRef): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
