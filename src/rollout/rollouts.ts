import type { Changes } from "../changes/lifecycle.js";
import type { Plan } from "../changes/plan.js";
import type { CheckRequest, Engine } from "../engine/engine.js";
import { GatehouseError, inputError } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import type { SchemaAnswer } from "../model/schema-answer.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { compileSchema } from "../schema/schema.js";
import type { ChangeRecord } from "../store/change-records.js";
import { checkMonitorSettings } from "../store/common/rollout-rows.js";
import type { MonitorSettings, RolloutRecord } from "../store/rollout-records.js";
import type { Store } from "../store/store.js";
import { DenyRateMonitor, type MonitorTrip, type PermissionWindow } from "./monitor-deny-rate.js";
import { inStep, PERCENT_LADDER } from "./rollout-buckets.js";

export type { SchemaAnswer } from "../model/schema-answer.js";

export const DEFAULT_MONITOR: MonitorSettings = { margin: 0.05, windowSeconds: 300, minChecks: 50 };

/** What the rollout layer needs from the service that owns the store, the engine and the changes. */
export interface RolloutContext {
  readonly store: Store;
  readonly engine: Engine;
  readonly changes: Changes;
  now(): Date;
}

export interface ActorInput {
  readonly actor: string;
  readonly reason?: string | undefined;
}

export interface StartInput extends ActorInput {
  readonly tenants?: readonly string[] | undefined;
  readonly percent?: number | undefined;
  readonly monitor?: Partial<MonitorSettings> | undefined;
}

export interface PromoteInput extends ActorInput {
  readonly tenants?: readonly string[] | undefined;
  readonly percent?: number | undefined;
  /** Apply the change (its plan, guards and approvals), ending the rollout. */
  readonly all?: boolean | undefined;
}

export interface RolloutStatus {
  readonly rollout: RolloutRecord | null;
  /** The tenants answered by the candidate now (listed, and known tenants in the percent's buckets). */
  readonly rolledOut: readonly string[];
  /** What `rollout promote` without a step would do next. */
  readonly next: string | null;
  /** This process's monitor windows (each process counts its own traffic). */
  readonly windows: readonly PermissionWindow[];
}

/** Counters since this process started, read by the metrics. */
export interface RolloutCounters {
  candidateChecks: number;
  trips: number;
}

/**
 * A running rollout as this process answers it: the candidate schema compiled once, which
 * tenants are in (decided once per tenant), and the monitor.
 */
class LiveRollout {
  readonly answer: SchemaAnswer;
  tripped = false;
  private readonly included = new Map<string, boolean>();

  constructor(
    readonly record: RolloutRecord,
    readonly candidate: CompiledSchema,
    readonly monitor: DenyRateMonitor,
  ) {
    this.answer = { candidate: record.changeId };
  }

  includes(tenant: string): boolean {
    let inside = this.included.get(tenant);
    if (inside === undefined) {
      inside = inStep(this.record, tenant);
      this.included.set(tenant, inside);
    }
    return inside;
  }
}

/**
 * Staged rollouts of a planned model change: the change's schema answers some tenants (listed,
 * or a stable percent of them), the active schema the others; each step is promoted by hand,
 * and a deny-rate monitor per permission rolls the rollout back by itself.
 *
 * The state lives in the store, so every process and node answers a tenant with the same
 * schema: this process reads it at open and then every `pollMs`. Between two reads a process
 * may answer with the previous step for up to that long.
 */
export class Rollouts {
  private live: LiveRollout | undefined;
  private seen: { id: number; version: number } | undefined;
  /** A trip this process could not write to the store yet; retried at every poll. */
  private pendingTrip: { live: LiveRollout; trip: MonitorTrip } | undefined;
  private readonly compiled = new Map<number, CompiledSchema>();
  private poller: NodeJS.Timeout | undefined;
  /** Reads of the store, one after the other, so that the last one started is the last applied. */
  private reads: Promise<void> = Promise.resolve();
  private polling = false;
  /** Changes this process is applying as a promotion to all (which closes the rollout itself). */
  private readonly promoting = new Set<number>();
  readonly counters: RolloutCounters = { candidateChecks: 0, trips: 0 };
  /** Where a failed poll is reported (the server logs it); the last known state stays in force. */
  onPollError: (error: unknown) => void = () => undefined;

  constructor(private readonly context: RolloutContext) {}

  private get store(): Store {
    return this.context.store;
  }

  // ---- following the store ------------------------------------------------------------------

  /** Reads the rollout state from the store; cheap when nothing moved. */
  refresh(): Promise<void> {
    // A read already under way may have started before the caller's write: queue a new one.
    const read = this.reads.catch(() => undefined).then(() => this.refreshOnce());
    this.reads = read;
    return read;
  }

  private async refreshOnce(): Promise<void> {
    if (this.pendingTrip) await this.writeTrip(this.pendingTrip.live, this.pendingTrip.trip);
    const record = await this.store.latestRollout();
    if (record === undefined) {
      this.live = undefined;
      this.seen = undefined;
      return;
    }
    if (this.seen?.id === record.id && this.seen.version === record.version) return;
    if (record.state !== "running") {
      this.live = undefined;
    } else {
      const candidate = await this.candidateOf(record.changeId);
      // A monitor lives as long as its step: a promotion brings new tenants and starts counting afresh.
      const live: LiveRollout = new LiveRollout(
        record,
        candidate,
        new DenyRateMonitor(record.monitor, (trip) => this.tripped(live, trip)),
      );
      this.live = live;
    }
    // Only now: a read that failed halfway is tried again at the next poll.
    this.seen = { id: record.id, version: record.version };
  }

  private async candidateOf(changeId: number): Promise<CompiledSchema> {
    let schema = this.compiled.get(changeId);
    if (!schema) {
      const change = await this.context.changes.get(changeId);
      if (change.spec.schema === null) throw notModelChange(changeId);
      schema = compileSchema(change.spec.schema);
      this.compiled.set(changeId, schema);
    }
    return schema;
  }

  /** Follows the store every `pollMs` until `stop`; the timer never keeps a process alive. */
  follow(pollMs: number): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      // A slow store must not pile reads up: skip a tick while the previous one is still reading.
      if (this.polling) return;
      this.polling = true;
      this.refresh()
        .catch((error: unknown) => this.onPollError(error))
        .finally(() => {
          this.polling = false;
        });
    }, pollMs);
    this.poller.unref();
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  // ---- the hot path ------------------------------------------------------------------------

  /** The running rollout if it answers this tenant; `undefined`: the active schema answers. */
  route(tenant: string): LiveRollout | undefined {
    const live = this.live;
    if (live === undefined || live.tripped || !live.includes(tenant)) return undefined;
    return live;
  }

  /**
   * Answers a rolled-out tenant's check with the candidate, and gives the monitor the active
   * schema's answer to the same check as the baseline.
   */
  check(live: LiveRollout, tenant: string, request: CheckRequest): boolean {
    const engine = this.context.engine;
    let allowed: boolean;
    try {
      allowed = engine.check(tenant, request, live.candidate);
    } catch (error) {
      // The candidate cannot answer what the active schema can (a permission it dropped): an
      // error to the caller, and to the monitor the denial a user would experience.
      const baseline = this.activeAnswer(tenant, request);
      if (baseline !== undefined)
        live.monitor.record(request.resource.type, request.permission, false, baseline);
      throw error;
    }
    this.counters.candidateChecks++;
    const baseline = this.activeAnswer(tenant, request);
    // No baseline when the check names something only the candidate has: nothing to compare.
    if (baseline !== undefined)
      live.monitor.record(request.resource.type, request.permission, allowed, baseline);
    return allowed;
  }

  /** The active schema's answer, or `undefined` when it cannot answer this check either. */
  private activeAnswer(tenant: string, request: CheckRequest): boolean | undefined {
    try {
      return this.context.engine.check(tenant, request);
    } catch {
      return undefined;
    }
  }

  private tripped(live: LiveRollout, trip: MonitorTrip): void {
    // From this very check on, this process answers with the active schema; the store tells
    // the others within their next poll.
    live.tripped = true;
    this.counters.trips++;
    this.writeTrip(live, trip).catch(() => {
      this.pendingTrip = { live, trip };
    });
  }

  private async writeTrip(live: LiveRollout, trip: MonitorTrip): Promise<void> {
    const { record } = live;
    const reason = `deny-rate monitor: \`${trip.permission}\` denied ${pct(trip.candidateDenyRate)} of ${trip.checks} checks with the candidate against ${pct(trip.baselineDenyRate)} with the active schema (margin ${pct(trip.margin)})`;
    try {
      await this.store.updateRollout(
        record.id,
        record.version,
        { state: "rolled_back", endedBy: "monitor", endReason: reason, trip },
        {
          actor: "monitor",
          action: "rollout.rollback",
          tenant: null,
          target: `rollout:${record.id}`,
          reason,
          details: {
            changeId: record.changeId,
            step: record.step,
            tenants: record.tenants,
            percent: record.percent,
            ...trip,
          },
        },
      );
      this.pendingTrip = undefined;
    } catch (error) {
      // Someone moved the rollout first (promoted, rolled back, another node's monitor): that wins.
      if (error instanceof GatehouseError && error.kind === "conflict") {
        this.pendingTrip = undefined;
        return;
      }
      throw error;
    }
  }

  // ---- administration ----------------------------------------------------------------------

  async start(changeId: number, input: StartInput): Promise<RolloutRecord> {
    if (!Number.isSafeInteger(changeId) || changeId < 1) {
      throw inputError(`invalid change id \`${changeId}\`: expected a whole number, 1 or more`, {
        field: "changeId",
      });
    }
    const tenants = [...new Set(input.tenants ?? [])];
    tenants.forEach((t, i) => {
      checkTenant(t, { field: `tenants[${i}]` });
    });
    const percent = input.percent ?? 0;
    checkPercent(percent);
    if (tenants.length === 0 && percent === 0) {
      throw new GatehouseError("usage", "a rollout needs `--tenants A,B` or `--percent N` (1 to 100)", {
        field: "tenants",
      });
    }
    const monitor: MonitorSettings = { ...DEFAULT_MONITOR, ...definedOnly(input.monitor ?? {}) };
    checkMonitorSettings(monitor);
    const change = await this.context.changes.get(changeId);
    if (change.spec.schema === null) throw notModelChange(changeId);
    if (change.spec.writes.length + change.spec.deletes.length + change.spec.deleteWhere.length > 0) {
      throw new GatehouseError(
        "input",
        `change ${changeId} also writes or deletes relationships; a rollout stages a schema only (propose the data part as its own change)`,
        { field: "changeId" },
      );
    }
    if (change.state !== "planned" && change.state !== "approved") {
      throw new GatehouseError(
        "conflict",
        `change ${changeId} is ${change.state}; only a planned model change can be rolled out${change.state === "proposed" ? ` (\`gatehouse change plan ${changeId}\`)` : ""}`,
        { field: "changeId" },
      );
    }
    compileSchema(change.spec.schema);
    const known = new Set(await this.store.tenants());
    tenants.forEach((t, i) => {
      if (!known.has(t)) {
        throw new GatehouseError("not_found", `tenant \`${t}\` does not exist (it has no relationships)`, {
          field: `tenants[${i}]`,
        });
      }
    });
    // A rolled-out tenant is answered by the change's schema as if it were applied there: the
    // rollout needs the approvals the apply would, checked last so that bad input is named first.
    await requireUnblocked(change, "rolled out");
    const record = await this.store.startRollout(
      { changeId, tenants, percent, monitor, actor: input.actor },
      {
        actor: input.actor,
        action: "rollout.start",
        tenant: null,
        target: "rollout",
        reason: input.reason ?? change.reason,
        // The data and active schema the candidate starts from, for the incident report.
        revision: await this.store.headRevision(),
        details: { changeId, tenants, percent, monitor },
      },
    );
    await this.refresh();
    return record;
  }

  private async running(): Promise<RolloutRecord> {
    const record = await this.store.latestRollout();
    if (record === undefined || record.state !== "running") {
      throw new GatehouseError(
        "conflict",
        record === undefined
          ? "no rollout is running (`gatehouse rollout start CHANGE_ID`)"
          : `no rollout is running: rollout ${record.id} is ${record.state.replace("_", " ")}${record.endReason ? ` (${record.endReason})` : ""}`,
      );
    }
    return record;
  }

  async promote(
    input: PromoteInput,
  ): Promise<{ rollout: RolloutRecord; applied: { revision: number } | null }> {
    const record = await this.running();
    const explicit = input.tenants !== undefined || input.percent !== undefined;
    if (input.all === true && explicit) {
      throw new GatehouseError("usage", "promote to all, or to a step (`--tenants`, `--percent`), not both");
    }
    const next = explicit ? undefined : nextStep(record);
    if (input.all === true || next === "all") {
      const change = await this.context.changes.get(record.changeId);
      // Someone applied the change with `change apply` while it was rolling out: every tenant
      // already has its schema, so promoting only records that the rollout is over.
      const outside = change.state === "applied" && change.appliedRevision !== null;
      // "All" is the change applied the normal way: a blocked plan is refused here as anywhere.
      let applied: { revision: number };
      this.promoting.add(record.changeId);
      try {
        applied = outside
          ? { revision: change.appliedRevision as number }
          : await this.context.changes.apply(record.changeId, { actor: input.actor });
      } finally {
        this.promoting.delete(record.changeId);
      }
      const reason =
        input.reason ??
        (outside
          ? `completed: change ${record.changeId} was applied outside the rollout at revision ${applied.revision}`
          : `promoted to all: change ${record.changeId} applied at revision ${applied.revision}`);
      const rollout = await this.store.updateRollout(
        record.id,
        record.version,
        { state: "completed", step: record.step + 1, endedBy: input.actor, endReason: reason },
        {
          actor: input.actor,
          action: "rollout.promote",
          tenant: null,
          target: `rollout:${record.id}`,
          reason,
          revision: applied.revision,
          details: { changeId: record.changeId, step: record.step + 1, to: "all" },
        },
      );
      await this.refresh();
      return { rollout, applied: { revision: applied.revision } };
    }
    // Each step widens what the plan was approved for: it must still be planned and approved
    // (a new plan, or a change gone stale or rejected, stops the rollout where it is).
    const change = await this.context.changes.get(record.changeId);
    if (change.state !== "planned" && change.state !== "approved") {
      throw new GatehouseError(
        "conflict",
        `change ${record.changeId} is ${change.state}; rollout ${record.id} cannot be promoted (roll it back with \`gatehouse rollout rollback\`)`,
      );
    }
    await requireUnblocked(change, "promoted");
    const tenants = [...new Set([...record.tenants, ...(input.tenants ?? [])])];
    tenants.forEach((t, i) => {
      checkTenant(t, { field: `tenants[${i}]` });
    });
    const percent = input.percent ?? (next as { percent: number } | undefined)?.percent ?? record.percent;
    checkPercent(percent);
    if (percent < record.percent) {
      throw inputError(`a promotion widens the rollout: --percent must be above ${record.percent}`, {
        field: "percent",
      });
    }
    if (percent === record.percent && tenants.length === record.tenants.length) {
      throw inputError("that step adds no tenant: name new tenants or a larger percent (or `--all`)", {
        field: "tenants",
      });
    }
    const known = new Set(await this.store.tenants());
    for (const t of input.tenants ?? []) {
      if (!known.has(t))
        throw new GatehouseError("not_found", `tenant \`${t}\` does not exist`, { field: "tenants" });
    }
    const reason = input.reason ?? null;
    const rollout = await this.store.updateRollout(
      record.id,
      record.version,
      { step: record.step + 1, tenants, percent },
      {
        actor: input.actor,
        action: "rollout.promote",
        tenant: null,
        target: `rollout:${record.id}`,
        reason,
        details: {
          changeId: record.changeId,
          step: record.step + 1,
          from: { tenants: record.tenants, percent: record.percent },
          to: { tenants, percent },
        },
      },
    );
    await this.refresh();
    return { rollout, applied: null };
  }

  /**
   * A change that is rolling out was applied with `change apply` (here, or in another process
   * that then tells us through its own Rollouts): every tenant now has its schema, so the
   * rollout is over. Recorded as completed, audited; a promotion to all records it itself.
   */
  async changeApplied(changeId: number, revision: number): Promise<void> {
    if (this.promoting.has(changeId)) return;
    const record = await this.store.latestRollout();
    if (record === undefined || record.state !== "running" || record.changeId !== changeId) return;
    const reason = `completed: change ${changeId} was applied outside the rollout at revision ${revision}`;
    try {
      await this.store.updateRollout(
        record.id,
        record.version,
        { state: "completed", endedBy: "gatehouse", endReason: reason },
        {
          actor: "gatehouse",
          action: "rollout.complete",
          tenant: null,
          target: `rollout:${record.id}`,
          reason,
          revision,
          details: { changeId, step: record.step },
        },
      );
    } catch (error) {
      // Another process closed it first (a promotion, a rollback, a monitor): nothing to do.
      if (!(error instanceof GatehouseError && error.kind === "conflict")) throw error;
    }
    await this.refresh();
  }

  async rollback(input: ActorInput): Promise<RolloutRecord> {
    const record = await this.running();
    const reason = input.reason ?? "rolled back by hand";
    const rollout = await this.store.updateRollout(
      record.id,
      record.version,
      { state: "rolled_back", endedBy: input.actor, endReason: reason },
      {
        actor: input.actor,
        action: "rollout.rollback",
        tenant: null,
        target: `rollout:${record.id}`,
        reason,
        details: { changeId: record.changeId, step: record.step },
      },
    );
    await this.refresh();
    return rollout;
  }

  async status(): Promise<RolloutStatus> {
    await this.refresh();
    const record = (await this.store.latestRollout()) ?? null;
    if (record === null) return { rollout: null, rolledOut: [], next: null, windows: [] };
    const running = record.state === "running";
    const rolledOut = running ? (await this.store.tenants()).filter((t) => inStep(record, t)) : [];
    for (const t of record.tenants) if (running && !rolledOut.includes(t)) rolledOut.push(t);
    const next = running ? nextStep(record) : null;
    const live = this.live?.record.id === record.id ? this.live : undefined;
    return {
      rollout: record,
      rolledOut: rolledOut.sort(),
      next: next === null ? null : next === "all" ? "all" : `${next.percent}%`,
      windows: live ? live.monitor.windows() : [],
    };
  }

  /** The running rollout as this process answers it, for the metrics. */
  current(): { record: RolloutRecord; rolledOutLoaded: number } | undefined {
    const live = this.live;
    if (!live || live.tripped) return undefined;
    let loaded = 0;
    for (const t of this.context.engine.loadedTenants()) if (live.includes(t)) loaded++;
    return { record: live.record, rolledOutLoaded: loaded };
  }
}

/** What `promote` without a step does: the next percent of the ladder, or all. */
function nextStep(record: RolloutRecord): { percent: number } | "all" | null {
  if (record.state !== "running") return null;
  if (record.percent === 0) return "all";
  const percent = PERCENT_LADDER.find((p) => p > record.percent);
  return percent === undefined ? "all" : { percent };
}

/**
 * Refuses a rollout step of a change whose plan is blocked (a failed guard, lost access, no
 * approval from someone other than its author, or approvals older than its latest plan), with
 * what is missing and how to approve, as `change apply` would refuse the change itself.
 */
async function requireUnblocked(change: ChangeRecord, step: "rolled out" | "promoted"): Promise<void> {
  const stored = change.plan as Plan | null;
  if (stored === null) {
    throw new GatehouseError(
      "conflict",
      `change ${change.id} has no plan; plan it first (\`gatehouse change plan ${change.id}\`)`,
      { field: "changeId" },
    );
  }
  // Imported here, not with the rollouts: every check asks `route`, and the change lifecycle's
  // modules (plans, guards, purges) are no part of answering one. `changes.get` loaded it already.
  const { withApprovals } = await import("../changes/lifecycle.js");
  const plan = withApprovals(stored, change, change.approvals);
  if (plan.blocked) {
    throw new GatehouseError(
      "refused",
      `change ${change.id} cannot be ${step}: a rollout needs what an apply needs, and its plan is blocked (nothing was started or widened): ${plan.blockedBecause.join("; ")}`,
      { field: "changeId" },
    );
  }
}

function checkPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw inputError(`invalid percent \`${percent}\`: expected a whole number from 1 to 100`, {
      field: "percent",
    });
  }
}

function notModelChange(changeId: number): GatehouseError {
  return new GatehouseError(
    "input",
    `change ${changeId} is not a model change: it brings no schema, and a rollout stages a schema`,
    { field: "changeId" },
  );
}

function definedOnly(settings: Partial<MonitorSettings>): Partial<MonitorSettings> {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
