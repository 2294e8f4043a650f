import type { AccessRow } from "../engine/access-diff.js";
import { Diagnostics, GatehouseError } from "../model/errors.js";
import { type ObjectRef, type Relationship, relationshipKey } from "../model/relationship.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { ChangeContext } from "./change-context.js";
import { type LifecycleOptions, resolveTarget } from "./deletion.js";
import { liveRelationships, parseSubjectTarget, subjectFilters } from "./subject-target.js";

/**
 * Merge: every relationship of a duplicate subject moved onto the real one, as one change with
 * intent `merge`. Incident 001's duplicates should have been merged, not purged: a merge loses
 * nothing. The access-neutral guard holds it to that for everyone except the two subjects
 * themselves (FROM loses what it had, INTO gains it), and the plan shows what INTO gains.
 */

export interface MergeFacts {
  readonly from: string;
  readonly into: string;
  /** Relationships of FROM that are rewritten onto INTO (some may exist on INTO already). */
  readonly moved: number;
  /** Accesses INTO (or usersets of it) gains, and on INTO itself as a resource. */
  readonly intoGains: readonly AccessRow[];
  /** Accesses that change for any other subject: must be none. */
  readonly othersChanged: number;
}

/** The object (`type:id`) a plan row's subject or resource names, without any relation. */
export function objectOf(text: string): string {
  const hash = text.indexOf("#");
  return hash < 0 ? text : text.slice(0, hash);
}

/** Rows about FROM or INTO themselves, which a merge changes by design. */
export function mergeExempt(row: AccessRow, objects: readonly string[]): boolean {
  return objects.includes(objectOf(row.subject)) || objects.includes(objectOf(row.resource));
}

export function mergeFacts(
  from: string,
  into: string,
  moved: number,
  gained: readonly AccessRow[],
  lost: readonly AccessRow[],
): MergeFacts {
  const both = [from, into];
  return {
    from,
    into,
    moved,
    intoGains: gained.filter((r) => objectOf(r.subject) === into || objectOf(r.resource) === into),
    othersChanged: [...gained, ...lost].filter((r) => !mergeExempt(r, both)).length,
  };
}

export async function proposeMerge(
  context: ChangeContext,
  fromText: string,
  intoText: string,
  options: LifecycleOptions,
): Promise<ChangeRecord> {
  // The tenant must exist, as for a deletion; the subjects are read in it.
  await resolveTarget(context, "tenant", options.tenant, options.tenant);
  const schema = context.engine.requireSchema();
  const from = parseSubjectTarget(fromText, schema, "from");
  const into = parseSubjectTarget(intoText, schema, "into");
  const fromKey = `${from.type}:${from.id}`;
  const intoKey = `${into.type}:${into.id}`;
  if (fromKey === intoKey)
    throw new GatehouseError("input", `cannot merge \`${fromKey}\` into itself`, { field: "into" });
  if (from.type !== into.type) {
    throw new GatehouseError(
      "input",
      `cannot merge \`${fromKey}\` into \`${intoKey}\`: a duplicate is merged into a subject of the same type`,
      { field: "into" },
    );
  }
  const live = await liveRelationships(context.store, options.tenant, subjectFilters(from));
  if (live.length === 0) {
    throw new GatehouseError(
      "not_found",
      `nothing to merge: \`${fromKey}\` has no live relationships in tenant \`${options.tenant}\``,
      { field: "from" },
    );
  }
  const swap = (o: ObjectRef): ObjectRef => (o.type === from.type && o.id === from.id ? into : o);
  const writes = new Map<string, Relationship>();
  const diagnostics = new Diagnostics();
  for (const r of live) {
    // The moved relationship keeps its caveat and expiration: a merge moves grants as they are.
    const moved: Relationship = {
      ...r,
      resource: swap(r.resource),
      subject: { ...r.subject, ...swap(r.subject) },
    };
    try {
      validateRelationship(schema, moved);
      writes.set(relationshipKey(moved), moved);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      diagnostics.errors.push(error);
    }
  }
  diagnostics.throwIfAny("nothing was proposed: some relationships cannot move");
  const reason = options.reason ?? `merge duplicate ${fromKey} into ${intoKey}`;
  const { change } = await context.store.createLifecycleChange(
    {
      tenant: options.tenant,
      intent: "merge",
      reason,
      author: options.actor,
      spec: { writes: [...writes.values()], deletes: live, deleteWhere: [], schema: null },
    },
    { kind: "merge", scope: "subject", tenant: options.tenant, target: fromKey, details: { into: intoKey } },
    {
      actor: options.actor,
      action: "change.propose",
      tenant: options.tenant,
      target: "change",
      reason,
      details: { intent: "merge", from: fromKey, into: intoKey, relationships: live.length },
    },
  );
  return change;
}
