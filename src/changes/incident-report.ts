import type { AccessRow } from "../engine/access-diff.js";
import { compareText } from "../engine/access-diff.js";
import { Engine, TenantIndex } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { formatObject, formatRelationship, formatSubject, type Relationship } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { parseSchema } from "../schema/schema.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { DecisionRecord } from "../store/decision-records.js";
import { type Revision, STORE_WIDE_TENANT, type Store } from "../store/store.js";
import { computePlan } from "./plan.js";

/**
 * The incident report: who gained and who lost access through a change (or between two
 * revisions), and, from the decision log, which of those accesses were actually used while the
 * change was live (allowed checks on a gained access: whom to notify) and which checks were
 * denied because of it (denied checks on a lost access: the work to redo). Per tenant, because
 * each tenant is a customer to notify.
 *
 * Gained and lost are computed exactly with the engine, on private indexes of the revisions
 * before and after, never from samples or from the log. The log only says what was used.
 *
 * A model change that was rolled out has a second kind of window, whether or not it was ever
 * applied: each rollout, from its start to its rollback or completion, while its candidate schema
 * answered the rolled-out tenants (`rollouts`, built by the rollout layer, see
 * `rollout/rollout-incident.ts`). The decision log says which checks the candidate answered; the
 * apply window only counts checks the active schema answered.
 */
export type IncidentSelector =
  | { readonly change: number }
  | { readonly fromRevision: Revision; readonly toRevision: Revision };

/** Checks of one access in the window, folded: how often, first and last time. */
export interface UsedAccess {
  readonly resource: string;
  readonly permission: string;
  readonly subject: string;
  readonly checks: number;
  readonly first: string;
  readonly last: string;
}

export interface TenantIncident {
  readonly tenant: string;
  readonly gained: readonly AccessRow[];
  readonly lost: readonly AccessRow[];
  /** Allowed checks that only the change allowed. */
  readonly used: readonly UsedAccess[];
  /** Denied checks that only the change denied: the work to redo. */
  readonly denied: readonly UsedAccess[];
}

/** One rollout of the change: while and where its candidate answered, and what that did. */
export interface RolloutIncident {
  readonly rollout: number;
  readonly state: "running" | "completed" | "rolled_back";
  /** The rollout's start, and its end (rollback or completion; null while it runs). */
  readonly since: string;
  readonly until: string | null;
  readonly endedBy: string | null;
  readonly endReason: string | null;
  /** Each step's tenants and percent, from the start on, as the audit trail recorded them. */
  readonly steps: readonly {
    readonly at: string;
    readonly tenants: readonly string[];
    readonly percent: number;
  }[];
  /** The revision whose data and active schema version the candidate is compared with. */
  readonly baseRevision: Revision;
  readonly activeSchema: number | null;
  /** Checks the candidate answered in this rollout, read from the decision log. */
  readonly checksRead: number;
  /**
   * Every rolled-out tenant: what the candidate granted (gained) and refused (lost) against the
   * active schema, and which of its answers used a gained access or denied a lost one.
   */
  readonly tenants: readonly TenantIncident[];
}

export interface IncidentReport {
  /** The change reported on, when the report is of a change. */
  readonly change: {
    readonly id: number;
    readonly intent: string;
    readonly reason: string;
    readonly author: string;
  } | null;
  /**
   * The access difference is the one from `fromRevision` to `toRevision`; null (and `window`
   * null, `tenants` empty) for a change that was never applied, only rolled out.
   */
  readonly fromRevision: Revision | null;
  readonly toRevision: Revision | null;
  /**
   * The checks read from the decision log: those answered at revisions from `fromRevision` to
   * `toRevision` (inclusive; `null`: until now), i.e. while the change was live.
   */
  readonly window: {
    readonly fromRevision: Revision;
    readonly toRevision: Revision | null;
    readonly since: string | null;
    readonly until: string | null;
    /**
     * Why the window ends: the id of the change that undid it (its revert, or for a deletion the
     * restore that brought back what it deleted), or null when it has not ended.
     */
    readonly revertedBy: number | null;
    /** That change's intent (`revert` or `restore`), or null. */
    readonly endedBy: "revert" | "restore" | null;
  } | null;
  /** Checks of the window read from the log (every tenant the difference touches). */
  readonly checksRead: number;
  readonly tenants: readonly TenantIncident[];
  /** The change's rollouts, oldest first (none for a report of revisions). */
  readonly rollouts: readonly RolloutIncident[];
}

export interface IncidentOptions {
  readonly maxDepth?: number | undefined;
  /** The rollouts of a change, with their windows (the rollout layer knows them). */
  readonly rollouts?: ((change: ChangeRecord) => Promise<RolloutIncident[]>) | undefined;
}

/** Decisions read from the store per call. */
const PAGE = 10_000;

export async function incidentReport(
  store: Store,
  selector: IncidentSelector,
  options: IncidentOptions = {},
): Promise<IncidentReport> {
  const head = await store.headRevision();
  let from: Revision;
  let to: Revision;
  let windowFrom: Revision;
  let windowTo: Revision | null;
  let change: IncidentReport["change"] = null;
  let revertedBy: number | null = null;
  let endedBy: "revert" | "restore" | null = null;
  let rollouts: RolloutIncident[] = [];
  if ("change" in selector) {
    const record = await store.getChange(selector.change);
    if (!record)
      throw new GatehouseError("not_found", `change ${selector.change} does not exist`, { field: "change" });
    rollouts = options.rollouts && record.spec.schema !== null ? await options.rollouts(record) : [];
    change = { id: record.id, intent: record.intent, reason: record.reason, author: record.author };
    if (record.appliedRevision === null) {
      if (rollouts.length === 0) {
        throw new GatehouseError(
          "conflict",
          `change ${record.id} is ${record.state} and was never applied nor rolled out: it has no window to report on`,
          { field: "change" },
        );
      }
      // Only rolled out: the candidate's windows are the whole report.
      return {
        change,
        fromRevision: null,
        toRevision: null,
        window: null,
        checksRead: 0,
        tenants: [],
        rollouts,
      };
    }
    from = record.appliedRevision - 1;
    to = record.appliedRevision;
    windowFrom = record.appliedRevision;
    windowTo = null;
    // The revert that ended the window: the one the change names. Reverts applied with `change
    // apply` after being blocked name it too since `Changes.apply` marks the original; the scan
    // below finds those applied before that, in stores written by earlier versions.
    const reverts = record.revertedBy !== null ? [await store.getChange(record.revertedBy)] : [];
    if (reverts[0]?.appliedRevision == null) {
      for (const c of await store.listChanges({ tenant: record.tenant, state: "applied" }))
        if (c.revertOf === record.id) reverts.push(c);
    }
    // A deletion is also undone by the restore that writes back what it deleted
    // (`subject restore`, `tenant restore`), which names the deletions it restores.
    if (record.intent === "delete") {
      for (const l of await store.listLifecycle({ tenant: record.tenant, kind: "restore" })) {
        const deletions = (l.details as { deletions?: unknown } | null)?.deletions;
        if (!Array.isArray(deletions) || !deletions.includes(record.id)) continue;
        const restore = await store.getChange(l.changeId);
        if (restore?.appliedRevision != null) reverts.push(restore);
      }
    }
    const revert = reverts
      .filter((c) => c?.appliedRevision != null)
      .sort((a, b) => a!.appliedRevision! - b!.appliedRevision!)[0];
    if (revert) {
      revertedBy = revert.id;
      endedBy = revert.intent === "restore" ? "restore" : "revert";
      windowTo = revert.appliedRevision! - 1;
    }
  } else {
    from = checkRevision(selector.fromRevision, "fromRevision");
    to = checkRevision(selector.toRevision, "toRevision");
    if (from >= to) {
      throw new GatehouseError(
        "input",
        `invalid revision range ${from}..${to}: the from-revision must be older than the to-revision`,
        { field: "fromRevision" },
      );
    }
    if (to > head) {
      throw new GatehouseError("not_found", `revision ${to} does not exist yet; the newest is ${head}`, {
        field: "toRevision",
      });
    }
    windowFrom = from + 1;
    windowTo = to;
  }

  const tenants = await accessDifference(store, from, to, options.maxDepth);
  const since = (await store.revisionTime(windowFrom)) ?? null;
  const until = windowTo !== null ? ((await store.revisionTime(windowTo + 1)) ?? null) : null;

  // One pass over the window's decisions for every tenant at once: the log's pages are not kept
  // by tenant, so a read per tenant would decode every page once per tenant.
  const byTenant = new Map(
    tenants.map(({ tenant, gained, lost }) => [
      tenant,
      {
        gained: new RowMatcher(gained),
        lost: new RowMatcher(lost),
        used: new Folded(),
        denied: new Folded(),
      },
    ]),
  );
  let checksRead = 0;
  for (let afterSeq = 0; byTenant.size > 0; ) {
    const page = await store.listDecisions({
      fromRevision: windowFrom,
      ...(windowTo !== null ? { toRevision: windowTo } : {}),
      afterSeq,
      limit: PAGE,
    });
    for (const d of page) {
      const t = byTenant.get(d.tenant);
      // A rollout's candidate answered this check, not the schema the window is about.
      if (t === undefined || (d.schema !== undefined && "candidate" in d.schema)) continue;
      checksRead++;
      const access = accessOf(d);
      if (d.allowed ? t.gained.matches(d, access) : t.lost.matches(d, access))
        (d.allowed ? t.used : t.denied).add(d, access);
    }
    if (page.length < PAGE) break;
    afterSeq = page[page.length - 1]!.seq;
  }
  const reports: TenantIncident[] = tenants.map(({ tenant, gained, lost }) => {
    const t = byTenant.get(tenant)!;
    return { tenant, gained, lost, used: t.used.list(), denied: t.denied.list() };
  });
  return {
    change,
    fromRevision: from,
    toRevision: to,
    window: { fromRevision: windowFrom, toRevision: windowTo, since, until, revertedBy, endedBy },
    checksRead,
    tenants: reports,
    rollouts,
  };
}

function checkRevision(value: number, field: string): Revision {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new GatehouseError("input", `invalid ${field} \`${value}\`: expected a revision number`, { field });
  return value;
}

/**
 * The exact access difference from revision `from` to `to`, per tenant: each tenant whose data
 * moved (or every tenant, when the schema moved) is loaded at `from` into a private engine and
 * planned with its net data delta and the schema at `to`, as a change doing the same would be.
 */
async function accessDifference(
  store: Store,
  from: Revision,
  to: Revision,
  maxDepth: number | undefined,
): Promise<{ tenant: string; gained: AccessRow[]; lost: AccessRow[] }[]> {
  const deltas = new Map<
    string,
    Map<string, { relationship: Relationship; first: "create" | "delete"; last: "create" | "delete" }>
  >();
  let schemaMoved = false;
  for (let after = from; after < to; ) {
    const events = await store.revisionsSince(after, 10_000);
    if (events.length === 0) break;
    for (const event of events) {
      if (event.revision > to) break;
      after = event.revision;
      if (event.schemaVersion !== null) schemaMoved = true;
      if (event.tenant === STORE_WIDE_TENANT) continue;
      let delta = deltas.get(event.tenant);
      if (!delta) {
        delta = new Map();
        deltas.set(event.tenant, delta);
      }
      const note = (relationship: Relationship, op: "create" | "delete") => {
        const key = formatRelationship(relationship);
        const seen = delta!.get(key);
        if (seen) seen.last = op;
        else delta!.set(key, { relationship, first: op, last: op });
      };
      for (const r of event.deleted) note(r, "delete");
      for (const r of event.created) note(r, "create");
    }
    if (events.at(-1)!.revision >= to) break;
  }

  const schemaOf = async (revision: Revision): Promise<CompiledSchema | undefined> => {
    const version = await store.readSchema(revision);
    return version ? parseSchema(version.text).compiled : undefined;
  };
  const before = await schemaOf(from);
  const after = await schemaOf(to);
  // Before the first schema nothing is granted, and after it is removed nothing is: no schema
  // on one side means every access on the other side moved; planning needs a schema on both.
  const schemaBefore = before ?? after;
  const schemaAfter = after ?? before;
  if (!schemaBefore || !schemaAfter) return [];

  const tenants = new Set(deltas.keys());
  if (schemaMoved) for (const tenant of await store.tenants()) tenants.add(tenant);
  const result: { tenant: string; gained: AccessRow[]; lost: AccessRow[] }[] = [];
  for (const tenant of [...tenants].sort()) {
    const writes: Relationship[] = [];
    const deletes: Relationship[] = [];
    for (const { relationship, first, last } of deltas.get(tenant)?.values() ?? []) {
      // A tuple is live at most once: created first and last, it was not live at `from` and is
      // at `to`; deleted first and last, the other way round; otherwise it is as it was.
      if (first === "create" && last === "create") writes.push(relationship);
      else if (first === "delete" && last === "delete") deletes.push(relationship);
    }
    if (!schemaMoved && writes.length + deletes.length === 0) continue;
    const engine = new Engine(schemaBefore, maxDepth !== undefined ? { maxDepth } : {});
    const index = new TenantIndex(tenant);
    for await (const batch of store.scanTenant(tenant, from)) index.apply(batch, []);
    engine.registerTenant(index);
    const plan = computePlan({
      changeId: 0,
      tenant,
      intent: "migration",
      baseRevision: from,
      engine,
      schemaBefore,
      schemaAfter: schemaMoved ? schemaAfter : schemaBefore,
      writes,
      deletes,
      schemaTenants: schemaMoved ? [tenant] : [],
      guards: [],
      now: new Date(0),
    });
    if (plan.gained.length + plan.lost.length > 0)
      result.push({ tenant, gained: [...plan.gained], lost: [...plan.lost] });
  }
  return result;
}

/** A decision's resource and subject as text, and the key of its access, built once per decision. */
export interface Access {
  readonly resource: string;
  readonly subject: string;
  readonly key: string;
}

export function accessOf(d: DecisionRecord): Access {
  const resource = formatObject(d.resource);
  const subject = formatSubject(d.subject);
  return { resource, subject, key: `${resource}\n${d.permission}\n${subject}` };
}

/**
 * Whether a check asked about an access of a plan's rows: same resource, permission and
 * subject, or a wildcard row (`user:*`) of the subject's type that does not except it.
 */
export class RowMatcher {
  readonly #exact = new Set<string>();
  readonly #wildcards = new Map<string, Set<string>>();

  constructor(rows: readonly AccessRow[]) {
    for (const row of rows) {
      if (row.subject.endsWith(":*")) {
        const type = row.subject.slice(0, -2);
        this.#wildcards.set(`${row.resource}\n${row.permission}\n${type}`, new Set(row.except ?? []));
      } else this.#exact.add(`${row.resource}\n${row.permission}\n${row.subject}`);
    }
  }

  matches(d: DecisionRecord, access: Access): boolean {
    if (this.#exact.has(access.key)) return true;
    if (d.subject.relation !== undefined) return false;
    const except = this.#wildcards.get(`${access.resource}\n${d.permission}\n${d.subject.type}`);
    return except !== undefined && !except.has(access.subject);
  }
}

export class Folded {
  readonly #byAccess = new Map<string, UsedAccess & { checks: number; last: string }>();

  add(d: DecisionRecord, { resource, subject, key }: Access): void {
    const seen = this.#byAccess.get(key);
    if (seen) {
      seen.checks++;
      seen.last = d.at;
    } else
      this.#byAccess.set(key, {
        resource,
        permission: d.permission,
        subject,
        checks: 1,
        first: d.at,
        last: d.at,
      });
  }

  list(): UsedAccess[] {
    return [...this.#byAccess.values()].sort(
      (a, b) =>
        compareText(a.resource, b.resource) ||
        compareText(a.permission, b.permission) ||
        compareText(a.subject, b.subject),
    );
  }
}
