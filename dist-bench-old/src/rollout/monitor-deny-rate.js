class Counts {
    permission;
    checks = 0;
    candidateDenies = 0;
    baselineDenies = 0;
    startedAt;
    constructor(permission, now) {
        this.permission = permission;
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
    settings;
    onTrip;
    now;
    byType = new Map();
    windowMs;
    tripped = false;
    constructor(settings, onTrip, now = Date.now) {
        this.settings = settings;
        this.onTrip = onTrip;
        this.now = now;
        this.windowMs = settings.windowSeconds * 1000;
    }
    record(resourceType, permission, candidateAllowed, baselineAllowed) {
        if (this.tripped)
            return;
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
        }
        else if (now - counts.startedAt >= this.windowMs) {
            counts.checks = 0;
            counts.candidateDenies = 0;
            counts.baselineDenies = 0;
            counts.startedAt = now;
        }
        counts.checks++;
        if (!candidateAllowed)
            counts.candidateDenies++;
        if (!baselineAllowed)
            counts.baselineDenies++;
        if (counts.checks < this.settings.minChecks || candidateAllowed)
            return;
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
    windows() {
        const out = [];
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
function round(rate) {
    return Math.round(rate * 10_000) / 10_000;
}
//# sourceMappingURL=monitor-deny-rate.js.map