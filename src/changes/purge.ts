import { GatehouseError } from "../model/errors.js";
import { parseRelationship } from "../model/relationship.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { LifecycleRecord, LifecycleScope } from "../store/lifecycle-records.js";
import type { Revision } from "../store/store.js";
import type { Actor, ChangeContext } from "./change-context.js";
import {
  type AppliedDeletion,
  appliedDeletions,
  describeTarget,
  type LifecycleOptions,
  neverDeleted,
  resolveTarget,
  stillDeleted,
  type TargetName,
} from "./deletion.js";
import { buildBundle, bundleChecksum, writeBundle } from "./export-bundle.js";
import type { Plan } from "./plan.js";
import type { PurgeFacts } from "./purge-facts.js";
import { purgeScrub } from "./purge-scrub.js";

/**
 * Purge: the hard deletion of what applied deletions removed, physically removing the rows (every
 * revision of them). Only after the retention window, counted from when each deletion was
 * applied; only after an export bundle is on disk with its SHA-256 recorded; and only with an
 * approval of someone other than the author, always (see `withApprovals`), even though it
 * changes no live access: it ends the possibility of a restore.
 */

const DAY_MS = 86_400_000;

/** When each deletion may be purged: its apply time plus the retention window. */
async function purgeWindow(
  context: ChangeContext,
  deletions: readonly AppliedDeletion[],
): Promise<{ days: number; possibleFrom: Date; latest: AppliedDeletion; appliedAt: Map<number, string> }> {
  const { days } = await context.store.readRetention();
  let latest: AppliedDeletion | undefined;
  let latestAt = Number.NEGATIVE_INFINITY;
  const appliedAt = new Map<number, string>();
  for (const d of deletions) {
    const at = await context.store.revisionTime(d.change.appliedRevision as Revision);
    if (at === undefined)
      throw new GatehouseError("internal", `revision ${d.change.appliedRevision} has no time`);
    appliedAt.set(d.change.id, at);
    const time = Date.parse(at);
    if (time > latestAt) {
      latestAt = time;
      latest = d;
    }
  }
  return { days, possibleFrom: new Date(latestAt + days * DAY_MS), latest: latest!, appliedAt };
}

function refuseEarly(
  context: ChangeContext,
  target: TargetName,
  window: Awaited<ReturnType<typeof purgeWindow>>,
): void {
  const now = context.now();
  if (now.getTime() >= window.possibleFrom.getTime()) return;
  const restore = `${target.scope} restore ${target.target}`;
  throw new GatehouseError(
    "refused",
    `cannot purge ${describeTarget(target)} before ${window.possibleFrom.toISOString()}: change ${window.latest.change.id} deleted it at ${window.appliedAt.get(window.latest.change.id)} and deleted data is kept restorable for ${window.days} days (now is ${now.toISOString()}); nothing was written. To bring it back: gatehouse ${restore}`,
  );
}

/**
 * Proposes a purge: refuses before the window ends (nothing written), writes the export bundle
 * (fsynced) and stores the change with the bundle's path and SHA-256.
 */
export async function proposePurge(
  context: ChangeContext,
  scope: LifecycleScope,
  text: string,
  options: LifecycleOptions & { readonly exportDir: string },
): Promise<{ change: ChangeRecord; purge: PurgeFacts }> {
  const target = await resolveTarget(context, scope, text, options.tenant);
  const all = await appliedDeletions(context, target);
  const deletions = all.filter((d) => d.purgedBy === undefined);
  if (deletions.length === 0) {
    throw new GatehouseError(
      "conflict",
      all.length === 0
        ? `nothing to purge: ${await neverDeleted(context, target)}; a purge only removes for good what an applied deletion removed (first: gatehouse ${scope} delete ${target.target})`
        : `nothing to purge: what the deletion of ${describeTarget(target)} removed was purged already by change ${all.map((d) => d.purgedBy).join(", ")}`,
    );
  }
  const window = await purgeWindow(context, deletions);
  refuseEarly(context, target, window);
  const relationships = stillDeleted(context, target.tenant, deletions);
  if (relationships.size === 0) {
    throw new GatehouseError(
      "conflict",
      `nothing to purge: everything change ${deletions.map((d) => d.change.id).join(", ")} deleted of ${describeTarget(target)} was restored`,
    );
  }
  const createdAt = context.now().toISOString();
  const bundle = await buildBundle(context.store, {
    tenant: target.tenant,
    scope,
    target: target.target,
    createdAt,
    deletions: deletions.map((d) => ({
      id: d.change.id,
      appliedRevision: d.change.appliedRevision as number,
      appliedAt: window.appliedAt.get(d.change.id)!,
      author: d.change.author,
      reason: d.change.reason,
    })),
    relationships: [...relationships.values()],
  });
  const written = writeBundle(options.exportDir, bundle);
  const purge: PurgeFacts = {
    scope,
    target: target.target,
    deletions: deletions.map((d) => d.change.id),
    relationships: [...relationships.keys()],
    rows: bundle.relationships.length,
    export: written,
    retentionDays: window.days,
    possibleFrom: window.possibleFrom.toISOString(),
  };
  const reason =
    options.reason ?? `purge ${scope} ${target.target} (deleted by change ${purge.deletions.join(", ")})`;
  const { change } = await context.store.createLifecycleChange(
    { tenant: target.tenant, intent: "purge", reason, author: options.actor, spec: emptySpec() },
    { kind: "purge", scope, tenant: target.tenant, target: target.target, details: purge },
    {
      actor: options.actor,
      action: "change.propose",
      tenant: target.tenant,
      target: "change",
      reason,
      details: {
        intent: "purge",
        scope,
        target: target.target,
        deletions: purge.deletions,
        rows: purge.rows,
        export: written.path,
        sha256: written.sha256,
      },
    },
  );
  return { change, purge };
}

function emptySpec() {
  return { writes: [], deletes: [], deleteWhere: [], schema: null };
}

export function purgeFacts(record: LifecycleRecord): PurgeFacts {
  return record.details as PurgeFacts;
}

/**
 * The apply of a planned, approved purge: the window, the bundle's checksum and every deletion
 * are checked again (time passed, files can be touched), then the rows go in one transaction
 * with the change's state and the audit record that carries the checksum.
 */
export async function applyPurge(
  context: ChangeContext,
  change: ChangeRecord,
  plan: Plan,
  options: Actor,
): Promise<{ change: ChangeRecord; plan: Plan; revision: Revision; removed: number }> {
  const record = await context.store.getLifecycle(change.id);
  if (record?.kind !== "purge" || !plan.purge)
    throw new GatehouseError(
      "conflict",
      `change ${change.id} is not a purge proposed by \`subject purge\` or \`tenant purge\``,
    );
  const facts = plan.purge;
  // The target as the proposal recorded it: its type need not be in the schema any longer.
  const target: TargetName = { scope: record.scope, tenant: record.tenant, target: record.target };
  await context.ready([record.tenant]);
  const deletions = (await appliedDeletions(context, target)).filter((d) =>
    facts.deletions.includes(d.change.id),
  );
  const gone = facts.deletions.filter(
    (id) => !deletions.some((d) => d.change.id === id && d.purgedBy === undefined),
  );
  if (gone.length > 0) {
    throw new GatehouseError(
      "conflict",
      `change ${change.id} cannot purge: deletion change ${gone.join(", ")} was reverted or purged since it was proposed; nothing was purged`,
    );
  }
  refuseEarly(context, target, await purgeWindow(context, deletions));
  const sha256 = bundleChecksum(facts.export.path);
  if (sha256 !== facts.export.sha256) {
    throw new GatehouseError(
      "refused",
      `the export bundle \`${facts.export.path}\` is ${sha256 === undefined ? "missing" : "altered"} (recorded SHA-256 ${facts.export.sha256}${sha256 ? `, now ${sha256}` : ""}); nothing was purged: propose the purge again to write a new one`,
    );
  }
  const purgedAt = context.now().toISOString();
  // Everything else that names what goes is rewritten in the same transaction (see
  // purge-scrub.ts for what stays and why).
  const { scrub, names, targetName } = await purgeScrub(
    context,
    { tenant: record.tenant, scope: record.scope, target: record.target, relationships: facts.relationships },
    { id: change.id, plan },
  );
  const stored = scrub.changes.find((c) => c.id === change.id)?.plan ?? plan;
  const {
    removed,
    revision,
    change: updated,
  } = await context.store.purgeRelationships(
    {
      changeId: change.id,
      tenant: change.tenant,
      relationships: facts.relationships.map((t) => parseRelationship(t)),
      plan: stored,
      scrub,
    },
    {
      actor: options.actor,
      action: "change.apply",
      tenant: change.tenant,
      target: `change:${change.id}`,
      // The purge's own record names the target by its digest: the proposal's record (which
      // the chain keeps as it is) says which target that is.
      reason: names.scrub(change.reason),
      details: {
        intent: "purge",
        approvals: plan.approvals.by,
        purged: targetName,
        relationships: facts.relationships.length,
        rows: facts.rows,
        // The bundle's path (its file name holds the target) is in the proposal's record.
        sha256: facts.export.sha256,
        at: purgedAt,
      },
    },
  );
  // No live relationship changed: the engine only moves to the purge's revision.
  await context.applied(change.tenant, {
    revision,
    created: [],
    deleted: [],
    schemaVersion: null,
    change: updated,
  });
  return { change: updated, plan, revision, removed };
}
