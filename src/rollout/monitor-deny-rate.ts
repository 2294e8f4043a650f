import type { MonitorSettings } from "../store/rollout-records.js";

/**
 * The baseline is the active schema's answer to the very same check, evaluated beside the
 * candidate's for rolled-out tenants only. Same tenants, same subjects, same moment: the
 * difference between the two deny rates is exactly what the candidate does to real traffic,
 * with no drift from time of day or from tenants that differ (a deny rate taken before the
 * rollout would mix both in).
 */

/** What a monitor saw when it tripped; kept in the store and the audit record. */
export interface MonitorTrip {
  readonly permission: string;
  readonly checks: number;
  readonly candidateDenies: number;
  readonly baselineDenies: number;
  readonly candidateDenyRate: number;
  readonly baselineDenyRate: number;
  readonly margin: number;
  readonly windowSeconds: number;
  readonly minChecks: number;
}

/** One permission's counts in the current window. */
export interface PermissionWindow {
  readonly permission: string;
  readonly checks: number;
  readonly candidateDenies: number;
  readonly baselineDenies: number;
  readonly windowStartedAt: string;
}

class Counts {
  checks = 0;
  candidateDenies = 0;
  baselineDenies = 0;
  startedAt: number;
  constructor(
    readonly permission: string,
    now: number,
  ) {
    this.startedAt = now;
  }
}

/**
 * A deny-rate monitor per permission (`type#permission`) over tumbling windows of
 * `windowSeconds`: when, within one window and after at least `minChecks` checks, the
 * candidate's deny rate exceeds the baseline's by more than `margin`, it trips once.
 *
 * On the hot path: two map lookups, three additions and a comparison per check; counts are
 * allocated once per permission, not per check. Each process counts its own traffic; any
 * process that trips rolls the rollout back for every process (through the store).
 */
export class DenyRateMonitor {
  private readonly byType = new Map<string, Map<string, Counts>>();
  private readonly windowMs: number;
  private tripped = false;

  constructor(
    private readonly settings: MonitorSettings,
    private readonly onTrip: (trip: MonitorTrip) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = settings.windowSeconds * 1000;
  }

  record(
    resourceType: string,
    permission: string,
    candidateAllowed: boolean,
    baselineAllowed: boolean,
  ): void {
    if (this.tripped) return;
    let permissions = this.byType.get(resourceType);
    if (permissions === undefined) {
      permissions = new Map();
      this.byType.set(resourceType, permissions);
    }
    const now = this.now();
    let counts = permissions.get(permission);
    if (counts === undefined) {
      counts = new Counts(`${resourceType}#${permission}`, now);
      permissions.set(permission, counts);
    } else if (now - counts.startedAt >= this.windowMs) {
      counts.checks = 0;
      counts.candidateDenies = 0;
      counts.baselineDenies = 0;
      counts.startedAt = now;
    }
    counts.checks++;
    if (!candidateAllowed) counts.candidateDenies++;
    if (!baselineAllowed) counts.baselineDenies++;
    if (counts.checks < this.settings.minChecks || candidateAllowed) return;
    const candidateRate = counts.candidateDenies / counts.checks;
    const baselineRate = counts.baselineDenies / counts.checks;
    if (candidateRate - baselineRate > this.settings.margin) {
      this.tripped = true;
      this.onTrip({
        permission: counts.permission,
        checks: counts.checks,
        candidateDenies: counts.candidateDenies,
        baselineDenies: counts.baselineDenies,
        candidateDenyRate: round(candidateRate),
        baselineDenyRate: round(baselineRate),
        margin: this.settings.margin,
        windowSeconds: this.settings.windowSeconds,
        minChecks: this.settings.minChecks,
      });
    }
  }

  /** The current windows, for `rollout status` on this process. */
  windows(): PermissionWindow[] {
    const out: PermissionWindow[] = [];
    for (const permissions of this.byType.values()) {
      for (const c of permissions.values()) {
        out.push({
          permission: c.permission,
          checks: c.checks,
          candidateDenies: c.candidateDenies,
          baselineDenies: c.baselineDenies,
          windowStartedAt: new Date(c.startedAt).toISOString(),
        });
      }
    }
    return out.sort((a, b) => a.permission.localeCompare(b.permission));
  }
}

function round(rate: number): number {
  return Math.round(rate * 10_000) / 10_000;
}
