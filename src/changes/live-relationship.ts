import type { DataIndex } from "../engine/data-index.js";
import { formatRelationship, type Relationship, relationshipKey } from "../model/relationship.js";

/**
 * The live relationship with the same identity as `r` (resource, relation, subject), with the
 * caveat and expiration it carries in the index, or `undefined` when none is live. A write of a
 * tuple that is live with other traits replaces them (a change of condition), so a plan must
 * compare traits, not only identities.
 */
export function liveRelationship(data: DataIndex, r: Relationship): Relationship | undefined {
  if (!data.has(r)) return undefined;
  const e = data.edge(r);
  const condition = data.conditionOf(e.resource, e.relation, e.subject, e.subjectRelation);
  const tuple: Relationship = { resource: r.resource, relation: r.relation, subject: r.subject };
  if (condition === undefined) return tuple;
  return {
    ...tuple,
    ...(condition.caveat === undefined ? {} : { caveat: condition.caveat }),
    ...(condition.expiresAt === undefined ? {} : { expiresAt: condition.expiresAt }),
  };
}

/** Whether two relationships of one identity carry the same caveat, context and expiration. */
export function sameTraits(a: Relationship, b: Relationship): boolean {
  return formatRelationship(a) === formatRelationship(b);
}

/** What a change's writes and deletes do to the live data, keyed by identity. */
export interface ResolvedUpdates {
  readonly writes: Map<string, Relationship>;
  /** Live versions (with the traits they carry now): what the change ends or replaces. */
  readonly deletes: Map<string, Relationship>;
  /** Writes of a tuple that is live with exactly these traits already: nothing to do. */
  readonly unchanged: Relationship[];
}

/**
 * Resolves writes against live data and deletes already resolved (`deletes`, keyed by
 * `relationshipKey`, live ones only). A write of a tuple the change also deletes cancels the
 * delete when it carries the same traits, and replaces it otherwise; a write of a live tuple with
 * other traits is a replacing touch: the live version goes into `deletes`, the new one into
 * `writes`, so the plan sees the condition change. Apply writes such a pair as one `touch`
 * (`applyUpdates`).
 */
export function resolveWrites(
  data: DataIndex,
  writes: readonly Relationship[],
  deletes: Map<string, Relationship>,
): ResolvedUpdates {
  const out = new Map<string, Relationship>();
  const unchanged: Relationship[] = [];
  for (const r of writes) {
    const key = relationshipKey(r);
    const deleted = deletes.get(key);
    const live = deleted ?? liveRelationship(data, r);
    if (live === undefined) out.set(key, r);
    else if (sameTraits(live, r)) {
      if (deleted !== undefined) deletes.delete(key);
      else unchanged.push(r);
    } else {
      deletes.set(key, live);
      out.set(key, r);
    }
  }
  return { writes: out, deletes, unchanged };
}

/** Adds the live version of each relationship to `into`, keyed by identity; returns those not live. */
export function addLiveDeletes(
  data: DataIndex,
  deletes: readonly Relationship[],
  into: Map<string, Relationship>,
): Relationship[] {
  const missing: Relationship[] = [];
  for (const r of deletes) {
    const live = liveRelationship(data, r);
    if (live === undefined) missing.push(r);
    else into.set(relationshipKey(r), live);
  }
  return missing;
}

/**
 * A plan's writes and deletes as store updates: a tuple both deleted (its live version) and
 * written (its new traits) is one `touch`, which replaces its caveat and expiration in place.
 */
export function applyUpdates(
  writes: readonly Relationship[],
  deletes: readonly Relationship[],
): { operation: "create" | "touch" | "delete"; relationship: Relationship }[] {
  const written = new Set(writes.map(relationshipKey));
  const replaced = new Set(deletes.map(relationshipKey).filter((k) => written.has(k)));
  return [
    ...deletes
      .filter((r) => !replaced.has(relationshipKey(r)))
      .map((relationship) => ({ operation: "delete" as const, relationship })),
    ...writes.map((relationship) => ({
      operation: replaced.has(relationshipKey(relationship)) ? ("touch" as const) : ("create" as const),
      relationship,
    })),
  ];
}
