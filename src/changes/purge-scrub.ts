import { createHash } from "node:crypto";
import { formatRelationship, type Relationship } from "../model/relationship.js";
import type { ChangeSpec } from "../store/change-records.js";
import type { LifecycleScope, PurgeScrub } from "../store/lifecycle-records.js";
import type { RelationshipFilter } from "../store/store.js";
import type { ChangeContext } from "./change-context.js";
import type { Plan } from "./plan.js";
import type { PurgeFacts } from "./purge-facts.js";

/**
 * A purge is complete: after it, nothing in the store names the purged relationships or the
 * purged subject, except
 *
 * - the audit log, which is hash-chained: every field of every record is covered by the chain,
 *   so the records written before the purge (a deletion's `change.propose` names its target in
 *   `reason` and `details.target`; a purge's proposal names the export's path, whose file name
 *   holds the target) stay as they were, or `audit verify` would fail. Records the purge itself
 *   writes name the target by its digest only. Counts and change ids are all they add.
 * - the export bundle, on disk outside the store, which is the point of the export.
 *
 * Everything else that named them is rewritten in the purge's own transaction: every change of
 * the tenant whose reason, spec, plan, what it applied or an approval's comment named a purged
 * relationship or the target (the deletions and restores of the target, their reverts, the
 * purge itself, a grant that once wrote one of the tuples), its lifecycle records (their target
 * becomes the digest, and the purge's facts keep counts, the bundle's SHA-256 and size, not its
 * path or the tuples), and the reasons recorded with revisions. Lists lose the purged tuples; the
 * plans of the target's own lifecycle changes keep counts only (`scrubbed`); any text left is
 * rewritten with the names replaced.
 *
 * Not covered, and said so in the README: the decision log, shadow and rollout samples record
 * checks (who asked about what), not relationships, and keep them for their own windows; a
 * guards file is policy text its authors own. A name written in free text in another form (`a1`
 * alone rather than `account:a1`) cannot be recognised and stays.
 */

/** The name a purged target keeps in lifecycle records: a digest of tenant, scope and target. */
export function purgedTargetName(tenant: string, scope: LifecycleScope, target: string): string {
  const digest = createHash("sha256").update(`${tenant}\n${scope}\n${target}`).digest("hex").slice(0, 16);
  return `purged:${digest}`;
}

/**
 * Characters of object ids and type names: a mention must not be preceded or followed by one
 * (`account:a1` is not mentioned in `account:a10`), while `#` and `@` around it (a tuple, a
 * userset) and quotes and spaces do not stop it.
 */
const ID_CHAR = "[A-Za-z0-9/_|\\-=+]";

function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces whole mentions of the purged tuples and of the target in a text. */
class Names {
  readonly #pattern: RegExp | undefined;
  readonly #replacement: Map<string, string>;

  constructor(tuples: readonly string[], target: string | undefined, targetName: string) {
    this.#replacement = new Map(tuples.map((t) => [t, "[purged relationship]"]));
    if (target !== undefined) this.#replacement.set(target, targetName);
    // Longest first, so that a tuple is replaced whole before the target inside it.
    const names = [...this.#replacement.keys()].sort((a, b) => b.length - a.length);
    this.#pattern =
      names.length === 0
        ? undefined
        : new RegExp(`(?<!${ID_CHAR})(?:${names.map(escapePattern).join("|")})(?!${ID_CHAR})`, "g");
  }

  mentioned(text: string): boolean {
    if (this.#pattern === undefined) return false;
    this.#pattern.lastIndex = 0;
    return this.#pattern.test(text);
  }

  scrub(text: string): string {
    return this.#pattern === undefined
      ? text
      : text.replace(this.#pattern, (m) => this.#replacement.get(m) ?? m);
  }

  /** A JSON value with every string in it scrubbed. */
  json<T>(value: T): T {
    return JSON.parse(this.scrub(JSON.stringify(value))) as T;
  }
}

export interface PurgeTarget {
  readonly tenant: string;
  readonly scope: LifecycleScope;
  /** `type:id` of a subject, or the tenant's name. */
  readonly target: string;
  readonly relationships: readonly string[];
}

/**
 * What the purge rewrites, read now (just before the purge's transaction; a change proposed in
 * between that names the subject is not rewritten, and the purge's own proposal refused any
 * relationship live again).
 */
export async function purgeScrub(
  context: ChangeContext,
  purge: PurgeTarget,
  purgeChange: { readonly id: number; readonly plan: Plan },
): Promise<{ scrub: PurgeScrub; names: Names; targetName: string }> {
  const purgeChangeId = purgeChange.id;
  const targetName = purgedTargetName(purge.tenant, purge.scope, purge.target);
  // A tenant's name is not scrubbed from its own records: every record of the tenant carries it.
  const names = new Names(
    purge.relationships,
    purge.scope === "subject" ? purge.target : undefined,
    targetName,
  );
  const purged = new Set(purge.relationships);
  const keep = (r: Relationship) =>
    !purged.has(formatRelationship(r)) && !names.mentioned(formatRelationship(r));
  // The target's records, also those an earlier purge of it (of other deletions) rewrote.
  const lifecycle = [
    ...(await context.store.listLifecycle({
      tenant: purge.tenant,
      scope: purge.scope,
      target: purge.target,
    })),
    ...(await context.store.listLifecycle({ tenant: purge.tenant, scope: purge.scope, target: targetName })),
  ];
  const own = new Set(lifecycle.map((l) => l.changeId));
  own.add(purgeChangeId);

  const changes: PurgeScrub["changes"][number][] = [];
  const revisions: PurgeScrub["revisions"][number][] = [];
  for (const c of await context.store.listChanges({ tenant: purge.tenant })) {
    const text = JSON.stringify([c.reason, c.spec, c.plan, c.applied, c.approvals]);
    const filtered = c.spec.deleteWhere.some((f) => namesTarget(f, purge));
    if (!own.has(c.id) && !filtered && !names.mentioned(text)) continue;
    const spec: ChangeSpec = {
      writes: c.spec.writes.filter(keep),
      deletes: c.spec.deletes.filter(keep),
      deleteWhere: c.spec.deleteWhere.filter((f) => !namesTarget(f, purge)),
      schema: c.spec.schema,
    };
    const applied = c.applied && {
      created: c.applied.created.filter(keep),
      deleted: c.applied.deleted.filter(keep),
      schemaVersion: c.applied.schemaVersion,
    };
    // The purge's own plan as it is applied (with its approvals), not as it was stored.
    const stored = c.id === purgeChangeId ? purgeChange.plan : (c.plan as Plan | null);
    const plan =
      stored === null ? null : own.has(c.id) ? countsOnly(stored, targetName) : withoutPurged(stored, names);
    changes.push({
      id: c.id,
      reason: names.scrub(c.reason),
      spec: names.json(spec),
      plan: plan === null ? null : names.json(plan),
      applied: applied && names.json(applied),
      comments: c.approvals
        .filter((a) => a.comment !== null && names.mentioned(a.comment))
        .map((a) => ({ principal: a.principal, plan: a.plan ?? "", comment: names.scrub(a.comment!) })),
    });
    if (c.appliedRevision !== null && names.mentioned(c.reason))
      revisions.push({ revision: c.appliedRevision, reason: names.scrub(c.reason) });
  }
  return {
    scrub: {
      changes,
      lifecycle: lifecycle.map((l) => ({
        changeId: l.changeId,
        target: targetName,
        details:
          l.kind === "purge"
            ? scrubbedPurgeFacts(l.details as PurgeFacts, targetName)
            : names.json(l.details),
      })),
      revisions,
    },
    names,
    targetName,
  };
}

/** A filter that selects the subject's own relationships (`delete_where` of a subject deletion). */
function namesTarget(f: RelationshipFilter, purge: PurgeTarget): boolean {
  if (purge.scope !== "subject") return false;
  const object = (type: string | undefined, id: string | undefined) => `${type}:${id}`;
  return (
    object(f.resourceType, f.resourceId) === purge.target ||
    object(f.subjectType, f.subjectId) === purge.target
  );
}

/**
 * The plan of one of the target's own lifecycle changes, after the purge: who gained and lost
 * what went with the relationships; the counts, guards' verdicts and approvals stay.
 */
function countsOnly(plan: Plan, targetName: string): Plan & { scrubbed: Record<string, number> } {
  return {
    ...plan,
    data: { writes: [], deletes: [] },
    gained: [],
    lost: [],
    conflicts: [],
    region: { objects: [], schemaSensitive: plan.region?.schemaSensitive ?? false },
    scrubbed: {
      writes: plan.data?.writes.length ?? 0,
      deletes: plan.data?.deletes.length ?? 0,
      gained: plan.gained?.length ?? 0,
      lost: plan.lost?.length ?? 0,
    },
    ...(plan.deletion
      ? {
          deletion: {
            ...plan.deletion,
            target: targetName,
            reach: [],
            othersLosing: { ...plan.deletion.othersLosing, byPermission: [], examples: [] },
          },
        }
      : {}),
    ...(plan.purge ? { purge: scrubbedPurgeFacts(plan.purge, targetName) } : {}),
  };
}

/** Another change's plan: the purged tuples and the rows naming the target leave its lists. */
function withoutPurged(plan: Plan, names: Names): Plan {
  const row = (r: { resource: string; subject: string }) => !names.mentioned(`${r.resource} ${r.subject}`);
  return {
    ...plan,
    data: {
      writes: plan.data.writes.filter((t) => !names.mentioned(t)),
      deletes: plan.data.deletes.filter((t) => !names.mentioned(t)),
    },
    gained: plan.gained.filter(row),
    lost: plan.lost.filter(row),
    region: { ...plan.region, objects: plan.region.objects.filter((o) => !names.mentioned(o)) },
  };
}

/** A purge's facts without the tuples or the bundle's path (whose file name holds the target). */
function scrubbedPurgeFacts(
  facts: PurgeFacts,
  targetName: string,
): PurgeFacts & { relationshipCount: number } {
  return {
    ...facts,
    target: targetName,
    relationships: [],
    relationshipCount: facts.relationships.length,
    export: {
      path: "(see the audit record of the purge's proposal)",
      sha256: facts.export.sha256,
      bytes: facts.export.bytes,
    },
  };
}

export type { Names };
