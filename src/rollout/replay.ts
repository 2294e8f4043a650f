import { addLiveDeletes, resolveWrites } from "../changes/live-relationship.js";
import { compareText } from "../engine/access-diff.js";
import { type CheckRequest, Engine, TenantIndex } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { formatSubject, type Relationship, relationshipKey } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { parseSchema } from "../schema/schema.js";
import { changedMembers } from "../schema/schema-diff.js";
import type { ChangeRecord } from "../store/change-records.js";
import { type DivergenceCount, type DivergentCheck, SHADOW_SAMPLE_LIMIT } from "../store/shadow-records.js";
import type { Revision, Store } from "../store/store.js";
import { type DivergenceReport, summarise } from "./divergence-report.js";
import { parseDuration } from "./duration.js";

/** Decisions read from the store per call. */
const PAGE = 10_000;
const OPEN_STATES: readonly string[] = ["proposed", "planned", "approved"];

export interface ReplayOptions {
  /** Only decisions answered within this long before now (`24h`, `7d`); default: the whole log. */
  readonly since?: string | undefined;
  readonly now: () => Date;
  readonly maxDepth?: number | undefined;
}

export interface ReplayReport extends DivergenceReport {
  /** The revision whose data (and active schema) the decisions were evaluated at. */
  readonly revision: Revision;
  /** Distinct checks among the decisions, and how many of them the change could move. */
  readonly distinct: number;
  readonly evaluated: number;
  /**
   * Which schema answered the decisions replayed, as the log recorded it: the active schema, a
   * rollout's candidate (this change's own, during its rollout, or another's), or not recorded
   * (an older log). Only the question of a decision is replayed, never its recorded answer, so a
   * candidate's answers are never taken for the active schema's: both sides are evaluated anew.
   */
  readonly answeredBy: {
    readonly active: number;
    readonly thisCandidate: number;
    readonly otherCandidates: number;
    readonly unrecorded: number;
  };
}

/** One distinct check of the log, with how often it was asked. */
interface Asked {
  readonly tenant: string;
  readonly request: CheckRequest;
  count: number;
  active?: boolean;
}

/**
 * Replays the decision log against a change: every recorded check the change could affect is
 * evaluated twice on the store's current data, under the active schema and under the candidate
 * (the change's schema, and its writes and deletes applied to a private copy of its tenant's
 * index, never to a live one), and the checks that answer differently are reported in the shape
 * of a shadow report. Comparing two answers on the same data, rather than the recorded answer,
 * keeps data written since the decision out of the result: only the change itself shows.
 */
export async function replayDecisions(
  store: Store,
  changeId: number,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const change = await store.getChange(changeId);
  if (!change) throw new GatehouseError("not_found", `change ${changeId} does not exist`);
  if (!OPEN_STATES.includes(change.state)) {
    throw new GatehouseError(
      "conflict",
      `change ${change.id} is ${change.state}: only a change not yet applied can be replayed as a candidate`,
      { field: "change" },
    );
  }
  const since =
    options.since !== undefined
      ? new Date(options.now().getTime() - parseDuration(options.since, "since")).toISOString()
      : undefined;
  const revision = await store.headRevision();
  const version = await store.readSchema(revision);
  if (!version)
    throw new GatehouseError(
      "not_found",
      "no schema has been written yet: there is nothing to replay against",
    );
  const active = parseSchema(version.text).compiled;
  const candidate =
    change.spec.schema !== null
      ? parseSchema(change.spec.schema, `change ${change.id} schema`).compiled
      : active;
  const changed = change.spec.schema !== null ? changedMembers(active, candidate) : new Set<string>();
  const dataChange =
    change.spec.writes.length + change.spec.deletes.length + change.spec.deleteWhere.length > 0;

  // The log, folded into distinct checks: a check asked a thousand times is evaluated once.
  const asked = new Map<string, Asked>();
  let checks = 0;
  const answeredBy = { active: 0, thisCandidate: 0, otherCandidates: 0, unrecorded: 0 };
  let first: string | null = null;
  let last: string | null = null;
  for (let afterSeq = 0; ; ) {
    const page = await store.listDecisions({ since, afterSeq, limit: PAGE });
    for (const d of page) {
      checks++;
      if (d.schema === undefined) answeredBy.unrecorded++;
      else if (!("candidate" in d.schema)) answeredBy.active++;
      else if (d.schema.candidate === change.id) answeredBy.thisCandidate++;
      else answeredBy.otherCandidates++;
      first ??= d.at;
      last = d.at;
      const key = `${d.tenant}\n${d.resource.type}:${d.resource.id}\n${d.permission}\n${formatSubject(d.subject)}`;
      const seen = asked.get(key);
      if (seen) seen.count++;
      else
        asked.set(key, {
          tenant: d.tenant,
          request: { resource: d.resource, permission: d.permission, subject: d.subject },
          count: 1,
        });
    }
    if (page.length < PAGE) break;
    afterSeq = page[page.length - 1]!.seq;
  }

  // Only checks the change can move: in the change's tenant for its data, of changed members for its schema.
  const byTenant = new Map<string, Asked[]>();
  for (const a of asked.values()) {
    const moves =
      (dataChange && a.tenant === change.tenant) ||
      changed.has(`${a.request.resource.type}#${a.request.permission}`);
    if (!moves) continue;
    let list = byTenant.get(a.tenant);
    if (!list) {
      list = [];
      byTenant.set(a.tenant, list);
    }
    list.push(a);
  }

  const engine = new Engine(active, options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {});
  const answer = (tenant: string, request: CheckRequest, schema: CompiledSchema) => {
    try {
      return engine.check(tenant, request, schema);
    } catch {
      // A check the schema cannot answer (a permission it lacks, a depth limit) fails, which denies.
      return false;
    }
  };
  const divergent: Array<{ tenant: string; request: CheckRequest; active: boolean; count: number }> = [];
  let evaluated = 0;
  for (const [tenant, list] of byTenant) {
    const index = new TenantIndex(tenant);
    for await (const batch of store.scanTenant(tenant, revision)) index.apply(batch, []);
    engine.registerTenant(index);
    for (const a of list) a.active = answer(tenant, a.request, active);
    if (dataChange && tenant === change.tenant) {
      const { writes, deletes } = await effectiveUpdates(store, change, index, revision);
      index.apply(writes, deletes);
    }
    for (const a of list) {
      evaluated++;
      if (answer(tenant, a.request, candidate) !== a.active)
        divergent.push({ tenant, request: a.request, active: a.active!, count: a.count });
    }
    // Each tenant's copy is dropped before the next is loaded: memory stays at one tenant's index.
    engine.dropTenant(tenant);
  }

  const counts = new Map<string, DivergenceCount>();
  for (const d of divergent) {
    const permission = `${d.request.resource.type}#${d.request.permission}`;
    const direction = d.active ? "would_block" : "would_allow";
    const key = `${d.tenant}\n${permission}\n${direction}`;
    const count = counts.get(key);
    counts.set(key, { tenant: d.tenant, permission, direction, count: (count?.count ?? 0) + d.count });
  }
  const divergences: DivergentCheck[] = divergent
    .map((d) => ({
      tenant: d.tenant,
      resource: `${d.request.resource.type}:${d.request.resource.id}`,
      permission: d.request.permission,
      subject: formatSubject(d.request.subject),
      active: d.active,
      candidate: !d.active,
      count: d.count,
    }))
    .sort(
      (a, b) =>
        compareText(a.tenant, b.tenant) ||
        compareText(a.permission, b.permission) ||
        compareText(a.resource, b.resource) ||
        compareText(a.subject, b.subject),
    );
  return {
    checks,
    since: first,
    until: last,
    candidate: { change: change.id },
    ...summarise([...counts.values()]),
    divergences: divergences.slice(0, SHADOW_SAMPLE_LIMIT),
    truncated: divergences.length > SHADOW_SAMPLE_LIMIT,
    revision,
    distinct: asked.size,
    evaluated,
    answeredBy,
  };
}

/** What applying the change would write and delete now, as the plan resolves it. */
async function effectiveUpdates(
  store: Store,
  change: ChangeRecord,
  index: TenantIndex,
  revision: Revision,
): Promise<{ writes: Relationship[]; deletes: Relationship[] }> {
  const deletes = new Map<string, Relationship>();
  addLiveDeletes(index.data, change.spec.deletes, deletes);
  for (const filter of change.spec.deleteWhere) {
    for (const r of await store.readRelationships(change.tenant, filter, { atRevision: revision }))
      deletes.set(relationshipKey(r), r);
  }
  const { writes } = resolveWrites(index.data, change.spec.writes, deletes);
  return { writes: [...writes.values()], deletes: [...deletes.values()] };
}
