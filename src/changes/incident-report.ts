import type { AccessRow } from "../engine/access-diff.js";
import { compareRows, compareText } from "../engine/access-diff.js";
import { Engine, TenantIndex } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { formatObject, formatSubject, type Relationship, relationshipKey } from "../model/relationship.js";
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

/**
 * A row of a revision range's report that did not stay changed until the range's end: when it
 * changed, and when it came back as it was at the range's start. Rows changed once and still so
 * at the end carry neither field.
 */
export interface RangeRow extends AccessRow {
  /** The revision at which the access was last back as it was at `fromRevision`. */
  readonly changedBack?: Revision;
  /** Each span of revisions (inclusive) during which the access was changed. */
  readonly periods?: readonly { readonly from: Revision; readonly to: Revision }[];
}

export interface TenantIncident {
  readonly tenant: string;
  /**
   * For a change, what it gained and lost. For a revision range, every access changed at any
   * revision inside it, also those changed back before its end (marked `changedBack`).
   */
  readonly gained: readonly RangeRow[];
  readonly lost: readonly RangeRow[];
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
  /**
   * Checks answered in the window (by time, any tenant) that the decision log could not record,
   * as it counted them: the used and denied lists may miss up to this many.
   */
  readonly decisionsLost: number;
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
        decisionsLost: await lostDuring(store, rollouts),
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

  const tenants =
    "change" in selector
      ? await accessDifference(store, from, to, options.maxDepth)
      : await accessChanges(store, from, to, options.maxDepth);
  const since = (await store.revisionTime(windowFrom)) ?? null;
  const until = windowTo !== null ? ((await store.revisionTime(windowTo + 1)) ?? null) : null;

  // One pass over the window's decisions for every tenant at once: the log's pages are not kept
  // by tenant, so a read per tenant would decode every page once per tenant.
  const byTenant = new Map(
    tenants.map(({ tenant, gained, lost, before }) => [
      tenant,
      {
        gained: new RowMatcher(gained, before),
        lost: new RowMatcher(lost, before),
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
      // In a range, a check counts only while the access it asked about was changed.
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
  const losses = await store.listDecisionLosses({ since: since ?? undefined, until: until ?? undefined });
  return {
    change,
    fromRevision: from,
    toRevision: to,
    window: { fromRevision: windowFrom, toRevision: windowTo, since, until, revertedBy, endedBy },
    checksRead,
    decisionsLost: losses.reduce((n, loss) => n + loss.count, 0),
    tenants: reports,
    rollouts,
  };
}

/** Checks the decision log counted as lost while any of the rollouts' candidates answered. */
async function lostDuring(store: Store, rollouts: readonly RolloutIncident[]): Promise<number> {
  let lost = 0;
  for (const r of rollouts) {
    const losses = await store.listDecisionLosses({ since: r.since, until: r.until ?? undefined });
    for (const loss of losses) lost += loss.count;
  }
  return lost;
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
): Promise<TenantDifference[]> {
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
      // By identity: a touch that replaced a caveat or an expiration is a delete and a create of
      // the same tuple in one revision, which leaves the tuple as live as it was.
      const note = (relationship: Relationship, op: "create" | "delete") => {
        const key = relationshipKey(relationship);
        const seen = delta!.get(key);
        if (seen) {
          seen.last = op;
          seen.relationship = relationship;
        } else delta!.set(key, { relationship, first: op, last: op });
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
  const result: TenantDifference[] = [];
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
    if (plan.gained.length + plan.lost.length > 0) {
      // The plan took its delta back out: the engine answers as at `from`.
      const before = (d: DecisionRecord) =>
        engine.check(tenant, { resource: d.resource, permission: d.permission, subject: d.subject });
      result.push({ tenant, gained: [...plan.gained], lost: [...plan.lost], before });
    }
  }
  return result;
}

/** One tenant's access difference, and how a check was answered before it. */
interface TenantDifference {
  readonly tenant: string;
  readonly gained: RangeRow[];
  readonly lost: RangeRow[];
  /**
   * The answer to a decision's question at the revision before the difference; absent for a
   * range walked revision by revision, where no single "before" engine is kept.
   */
  readonly before?: ((d: DecisionRecord) => boolean) | undefined;
}

/** One revision's step of a tenant: its own relationship writes, and a schema written at it. */
interface Step {
  readonly revision: Revision;
  readonly created: Relationship[];
  readonly deleted: Relationship[];
  schema: boolean;
}

/**
 * Every access that changed at any revision from `from + 1` to `to`, per tenant, with the spans
 * during which it was changed: a tenant is loaded at `from` into a private engine and walked
 * revision by revision, each step planned exactly as a change doing the same would be. An
 * access lost at A+1 and restored at A+3 is in the lost list with `changedBack: A+3` and the
 * period A+1..A+2, although the two ends of the range do not differ in it.
 */
async function accessChanges(
  store: Store,
  from: Revision,
  to: Revision,
  maxDepth: number | undefined,
): Promise<TenantDifference[]> {
  const steps = new Map<string, Step[]>();
  const schemaRevisions: Revision[] = [];
  const stepOf = (tenant: string, revision: Revision): Step => {
    const list = steps.get(tenant) ?? [];
    steps.set(tenant, list);
    let step = list.at(-1);
    if (step?.revision !== revision) {
      step = { revision, created: [], deleted: [], schema: false };
      list.push(step);
    }
    return step;
  };
  for (let after = from; after < to; ) {
    const events = await store.revisionsSince(after, 10_000);
    if (events.length === 0) break;
    for (const event of events) {
      if (event.revision > to) break;
      after = event.revision;
      if (event.schemaVersion !== null) schemaRevisions.push(event.revision);
      if (event.tenant === STORE_WIDE_TENANT) continue;
      const step = stepOf(event.tenant, event.revision);
      step.created.push(...event.created);
      step.deleted.push(...event.deleted);
    }
    if (events.at(-1)!.revision >= to) break;
  }

  const schemaOf = async (revision: Revision): Promise<CompiledSchema | undefined> => {
    const version = await store.readSchema(revision);
    return version ? parseSchema(version.text).compiled : undefined;
  };
  const schemas = new Map<Revision, CompiledSchema | undefined>();
  for (const revision of schemaRevisions) schemas.set(revision, await schemaOf(revision));
  const initial = (await schemaOf(from)) ?? [...schemas.values()].find((v) => v !== undefined);
  if (!initial) return [];

  const tenants = new Set(steps.keys());
  if (schemaRevisions.length > 0) for (const tenant of await store.tenants()) tenants.add(tenant);
  const result: TenantDifference[] = [];
  for (const tenant of [...tenants].sort()) {
    // The tenant's steps and the schema's, in revision order.
    const own = steps.get(tenant) ?? [];
    const merged = new Map<Revision, Step>(own.map((step) => [step.revision, step]));
    for (const revision of schemaRevisions) {
      const step = merged.get(revision) ?? { revision, created: [], deleted: [], schema: false };
      step.schema = true;
      merged.set(revision, step);
    }
    const engine = new Engine(initial, maxDepth !== undefined ? { maxDepth } : {});
    const index = new TenantIndex(tenant);
    for await (const batch of store.scanTenant(tenant, from)) index.apply(batch, []);
    engine.registerTenant(index);
    const changes = new Changed();
    let schema = initial;
    for (const step of [...merged.values()].sort((a, b) => a.revision - b.revision)) {
      const next = step.schema ? (schemas.get(step.revision) ?? schema) : schema;
      // The event lists what became and stopped being live at this revision, so the writes are
      // not live before it and the deletes are: what `computePlan` expects.
      const plan = computePlan({
        changeId: 0,
        tenant,
        intent: "migration",
        baseRevision: step.revision - 1,
        engine,
        schemaBefore: schema,
        schemaAfter: next,
        writes: step.created,
        deletes: step.deleted,
        schemaTenants: next !== schema ? [tenant] : [],
        guards: [],
        now: new Date(0),
      });
      for (const row of plan.gained) changes.note(row, "gained", step.revision);
      for (const row of plan.lost) changes.note(row, "lost", step.revision);
      index.apply(step.created, step.deleted);
      if (next !== schema) {
        engine.setSchema(next);
        schema = next;
      }
    }
    const { gained, lost } = changes.rows(to);
    if (gained.length + lost.length > 0) result.push({ tenant, gained, lost });
  }
  return result;
}

/**
 * The accesses a walk over revisions saw change, relative to where it started: an access first
 * gained (it was not there at the start) is a gained row whose periods end where it was lost
 * again, and the other way round for a lost one.
 */
class Changed {
  readonly #byKey = new Map<
    string,
    { row: AccessRow; kind: "gained" | "lost"; periods: { from: Revision; to: Revision | null }[] }
  >();

  note(row: AccessRow, direction: "gained" | "lost", revision: Revision): void {
    const key = `${row.resource}\n${row.permission}\n${row.subject}`;
    const seen = this.#byKey.get(key);
    if (seen === undefined) {
      this.#byKey.set(key, { row, kind: direction, periods: [{ from: revision, to: null }] });
      return;
    }
    const open = seen.periods.at(-1)!;
    if (direction !== seen.kind && open.to === null) open.to = revision - 1;
    else if (direction === seen.kind && open.to !== null) seen.periods.push({ from: revision, to: null });
  }

  rows(end: Revision): { gained: RangeRow[]; lost: RangeRow[] } {
    const gained: RangeRow[] = [];
    const lost: RangeRow[] = [];
    for (const { row, kind, periods } of this.#byKey.values()) {
      const last = periods.at(-1)!;
      // Changed once and still so at the end: a row as a change's report has it.
      const out: RangeRow =
        periods.length === 1 && last.to === null
          ? row
          : {
              ...row,
              ...(last.to !== null ? { changedBack: last.to + 1 } : {}),
              periods: periods.map((p) => ({ from: p.from, to: p.to ?? end })),
            };
      (kind === "gained" ? gained : lost).push(out);
    }
    return { gained: gained.sort(compareRows), lost: lost.sort(compareRows) };
  }
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
 * subject, or a wildcard row (`user:*`) of the subject's type that does not except it; and,
 * for a row of a range that was changed back, whether the check was answered while it was
 * changed.
 *
 * A wildcard grants userset subjects of its type too (`doc:1#viewer@group:*` lets
 * `group:eng#member` view, as SpiceDB answers), but a plan's wildcard row and its exceptions are
 * about plain subjects: a userset keeps its own answer when other relationships name it. So a
 * check by a userset under a wildcard row counts when the answer before the difference was the
 * other one, asked of the engine as it was then (a change's report; a range walked revision by
 * revision keeps no such engine and leaves them out).
 */
export class RowMatcher {
  readonly #exact = new Map<string, RangeRow>();
  readonly #wildcards = new Map<string, { except: Set<string>; row: RangeRow }>();
  readonly #before: ((d: DecisionRecord) => boolean) | undefined;

  constructor(rows: readonly RangeRow[], before?: ((d: DecisionRecord) => boolean) | undefined) {
    this.#before = before;
    for (const row of rows) {
      if (row.subject.endsWith(":*")) {
        const type = row.subject.slice(0, -2);
        this.#wildcards.set(`${row.resource}\n${row.permission}\n${type}`, {
          except: new Set(row.except ?? []),
          row,
        });
      } else this.#exact.set(`${row.resource}\n${row.permission}\n${row.subject}`, row);
    }
  }

  matches(d: DecisionRecord, access: Access): boolean {
    const exact = this.#exact.get(access.key);
    if (exact !== undefined) return during(exact, d.revision);
    const wildcard = this.#wildcards.get(`${access.resource}\n${d.permission}\n${d.subject.type}`);
    if (wildcard === undefined || wildcard.except.has(access.subject) || !during(wildcard.row, d.revision))
      return false;
    if (d.subject.relation === undefined) return true;
    if (this.#before === undefined) return false;
    try {
      return this.#before(d) !== d.allowed;
    } catch (error) {
      // A question past the depth limit then: not claimed as moved by the change.
      if (error instanceof GatehouseError && error.kind === "limit") return false;
      throw error;
    }
  }
}

function during(row: RangeRow, revision: Revision): boolean {
  return row.periods === undefined || row.periods.some((p) => p.from <= revision && revision <= p.to);
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
