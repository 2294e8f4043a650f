import { Diagnostics, GatehouseError } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import { type ObjectRef, type Relationship, relationshipKey } from "../model/relationship.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { LifecycleRecord, LifecycleScope } from "../store/lifecycle-records.js";
import type { RelationshipFilter } from "../store/store.js";
import type { Actor, ChangeContext } from "./change-context.js";
import { purgedTargetName } from "./purge-scrub.js";
import { liveRelationships, parseSubjectTarget, subjectFilters } from "./subject-target.js";

/**
 * Soft deletion and restore of a subject (every relationship where it is the resource or the
 * subject) or of a whole tenant. Both are ordinary changes (intents `delete` and `restore`),
 * planned, guarded, approved and applied like any other; a lifecycle record names what they
 * are about, so that a restore brings back exactly what the deletions of that subject removed.
 */

export interface LifecycleTarget {
  readonly scope: LifecycleScope;
  /** The tenant the change acts in. */
  readonly tenant: string;
  /** `type:id` for a subject, the tenant's name for a tenant. */
  readonly target: string;
  /** The object, for a subject. */
  readonly subject: ObjectRef | undefined;
  /** Selects every relationship the target owns or is named in. */
  readonly filters: readonly RelationshipFilter[];
}

/** What names a target in the store's lifecycle records. */
export type TargetName = Pick<LifecycleTarget, "scope" | "tenant" | "target">;

export type LifecycleOptions = Actor & { readonly tenant: string; readonly reason?: string | undefined };

/** Reads a command's target: a subject of a known type, or a tenant that exists. */
export async function resolveTarget(
  context: ChangeContext,
  scope: LifecycleScope,
  text: string,
  tenant: string,
): Promise<LifecycleTarget> {
  const name = checkTenant(scope === "tenant" ? text : tenant, { field: "tenant" });
  if (!(await context.store.tenants()).includes(name)) {
    throw new GatehouseError(
      "not_found",
      `tenant \`${name}\` does not exist: no relationship was ever written in it`,
      {
        field: "tenant",
      },
    );
  }
  await context.ready([name]);
  if (scope === "tenant") return { scope, tenant: name, target: name, subject: undefined, filters: [{}] };
  const subject = parseSubjectTarget(text, context.engine.requireSchema());
  return {
    scope,
    tenant: name,
    target: `${subject.type}:${subject.id}`,
    subject,
    filters: subjectFilters(subject),
  };
}

export function describeTarget(t: { scope: LifecycleScope; target: string; tenant: string }): string {
  return t.scope === "tenant" ? `tenant \`${t.target}\`` : `\`${t.target}\` in tenant \`${t.tenant}\``;
}

/** An applied deletion of the target, with what it removed. */
export interface AppliedDeletion {
  readonly record: LifecycleRecord;
  readonly change: ChangeRecord;
  readonly deleted: readonly Relationship[];
  /** Set when an applied purge made it final. */
  readonly purgedBy: number | undefined;
}

/**
 * The target's lifecycle records, oldest first: those naming it, and those a purge rewrote to
 * name it by its digest (`purgedTargetName`), so that a target purged for good is still known
 * as deleted and purged.
 */
export async function lifecycleRecordsOf(
  context: ChangeContext,
  target: TargetName,
  kind?: LifecycleRecord["kind"],
): Promise<LifecycleRecord[]> {
  const read = (name: string) =>
    context.store.listLifecycle({
      tenant: target.tenant,
      scope: target.scope,
      target: name,
      ...(kind !== undefined ? { kind } : {}),
    });
  const digest = target.target.startsWith("purged:")
    ? []
    : await read(purgedTargetName(target.tenant, target.scope, target.target));
  return [...(await read(target.target)), ...digest].sort((a, b) => a.changeId - b.changeId);
}

/** Applied (and not reverted) deletions of the target, oldest first. */
export async function appliedDeletions(
  context: ChangeContext,
  target: TargetName,
): Promise<AppliedDeletion[]> {
  const records = await lifecycleRecordsOf(context, target);
  const purged = new Map<number, number>();
  for (const record of records) {
    if (record.kind !== "purge") continue;
    const change = await context.store.getChange(record.changeId);
    if (change?.state !== "applied") continue;
    for (const id of (record.details as { deletions?: number[] }).deletions ?? [])
      purged.set(id, record.changeId);
  }
  const out: AppliedDeletion[] = [];
  for (const record of records) {
    if (record.kind !== "delete") continue;
    const change = await context.store.getChange(record.changeId);
    if (change?.state !== "applied" || !change.applied) continue;
    out.push({ record, change, deleted: change.applied.deleted, purgedBy: purged.get(change.id) });
  }
  return out;
}

/**
 * What the deletions removed and is not live again (a later change may have written some of it
 * back), by tuple text: what a restore writes back, and what a purge removes for good.
 */
export function stillDeleted(
  context: ChangeContext,
  tenant: string,
  deletions: readonly AppliedDeletion[],
): Map<string, Relationship> {
  const data = context.engine.tenant(tenant).data;
  const out = new Map<string, Relationship>();
  for (const d of deletions) for (const r of d.deleted) if (!data.has(r)) out.set(relationshipKey(r), r);
  return out;
}

/** Proposes the soft deletion of a subject or tenant: every live relationship it is part of. */
export async function proposeDeletion(
  context: ChangeContext,
  scope: LifecycleScope,
  text: string,
  options: LifecycleOptions,
): Promise<ChangeRecord> {
  const target = await resolveTarget(context, scope, text, options.tenant);
  const live = await liveRelationships(context.store, target.tenant, target.filters);
  if (live.length === 0) {
    throw new GatehouseError(
      "not_found",
      `nothing to delete: ${describeTarget(target)} has no live relationships${scope === "subject" ? " (a subject exists through its relationships; was it deleted already?)" : ""}`,
    );
  }
  const reason = options.reason ?? `delete ${scope} ${target.target}`;
  const { change } = await context.store.createLifecycleChange(
    {
      tenant: target.tenant,
      intent: "delete",
      reason,
      author: options.actor,
      // Filters, resolved when the change is planned: the apply then removes exactly what the
      // plan showed, and records it, which is what a restore brings back.
      spec: { writes: [], deletes: [], deleteWhere: target.filters, schema: null },
    },
    {
      kind: "delete",
      scope,
      tenant: target.tenant,
      target: target.target,
      details: { relationships: live.length },
    },
    {
      actor: options.actor,
      action: "change.propose",
      tenant: target.tenant,
      target: "change",
      reason,
      details: { intent: "delete", scope, target: target.target, relationships: live.length },
    },
  );
  return change;
}

/**
 * Proposes the change that writes back what the applied deletions of the target removed and is
 * not live again; relationships deleted by other changes stay deleted.
 */
export async function proposeRestore(
  context: ChangeContext,
  scope: LifecycleScope,
  text: string,
  options: LifecycleOptions,
): Promise<ChangeRecord> {
  const target = await resolveTarget(context, scope, text, options.tenant);
  const deletions = await appliedDeletions(context, target);
  if (deletions.length === 0) {
    throw new GatehouseError("not_found", `nothing to restore: ${await neverDeleted(context, target)}`);
  }
  const restorable = deletions.filter((d) => d.purgedBy === undefined);
  if (restorable.length === 0) {
    const by = [...new Set(deletions.map((d) => d.purgedBy))].join(", ");
    throw new GatehouseError(
      "conflict",
      `nothing to restore: what the deletion of ${describeTarget(target)} removed was purged for good by change ${by}; its export bundle holds the rows`,
    );
  }
  const writes = stillDeleted(context, target.tenant, restorable);
  if (writes.size === 0) {
    throw new GatehouseError(
      "conflict",
      `nothing to restore: everything change ${restorable.map((d) => d.change.id).join(", ")} deleted of ${describeTarget(target)} is live again`,
    );
  }
  // The schema may have moved on since the deletion; a relationship it no longer allows cannot
  // come back, and the reviewer must hear which before anything is proposed.
  const schema = context.engine.requireSchema();
  const diagnostics = new Diagnostics();
  for (const r of writes.values()) {
    try {
      validateRelationship(schema, r);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      diagnostics.errors.push(error);
    }
  }
  diagnostics.throwIfAny("nothing was proposed: the schema no longer allows some deleted relationships");
  const ids = restorable.map((d) => d.change.id);
  const reason = options.reason ?? `restore ${scope} ${target.target} (deleted by change ${ids.join(", ")})`;
  const { change } = await context.store.createLifecycleChange(
    {
      tenant: target.tenant,
      intent: "restore",
      reason,
      author: options.actor,
      spec: { writes: [...writes.values()], deletes: [], deleteWhere: [], schema: null },
    },
    { kind: "restore", scope, tenant: target.tenant, target: target.target, details: { deletions: ids } },
    {
      actor: options.actor,
      action: "change.propose",
      tenant: target.tenant,
      target: "change",
      reason,
      details: {
        intent: "restore",
        scope,
        target: target.target,
        deletions: ids,
        relationships: writes.size,
      },
    },
  );
  return change;
}

/**
 * A restore proposed before a purge must not write back what the purge removed for good: its
 * plan is refused once any of its deletions has been purged.
 */
export async function checkRestoreStillPossible(
  context: ChangeContext,
  record: LifecycleRecord,
): Promise<void> {
  const ids = (record.details as { deletions?: number[] }).deletions ?? [];
  const target = { scope: record.scope, tenant: record.tenant, target: record.target };
  const records = await lifecycleRecordsOf(context, target, "purge");
  for (const purge of records) {
    if ((await context.store.getChange(purge.changeId))?.state !== "applied") continue;
    const purged = ((purge.details as { deletions?: number[] }).deletions ?? []).filter((id) =>
      ids.includes(id),
    );
    if (purged.length > 0) {
      throw new GatehouseError(
        "conflict",
        `change ${record.changeId} cannot be planned: what change ${purged.join(", ")} deleted of ${describeTarget(target)} was purged for good by change ${purge.changeId}`,
      );
    }
  }
}

/**
 * Why a target has no applied deletion: never proposed, or proposed but not applied (or
 * reverted since), naming those changes so the person knows where to look.
 */
export async function neverDeleted(context: ChangeContext, target: LifecycleTarget): Promise<string> {
  const records = await lifecycleRecordsOf(context, target, "delete");
  if (records.length === 0) return `${describeTarget(target)} was never deleted`;
  const states: string[] = [];
  for (const r of records)
    states.push(`change ${r.changeId} is ${(await context.store.getChange(r.changeId))?.state}`);
  return `no deletion of ${describeTarget(target)} is applied (${states.join(", ")})`;
}
