/** A rollout as the CLI's `--json` and the HTTP API show it. */
export function rolloutJson(record) {
    return {
        id: record.id,
        changeId: record.changeId,
        state: record.state,
        step: record.step,
        tenants: [...record.tenants],
        percent: record.percent,
        monitor: { ...record.monitor },
        startedAt: record.startedAt,
        startedBy: record.startedBy,
        updatedAt: record.updatedAt,
        endedAt: record.endedAt,
        endedBy: record.endedBy,
        endReason: record.endReason,
        trip: record.trip,
    };
}
export function rolloutStatusJson(status) {
    return {
        rollout: status.rollout ? rolloutJson(status.rollout) : null,
        rolledOut: [...status.rolledOut],
        next: status.next,
        windows: status.windows.map((w) => ({ ...w })),
    };
}
/** `rollout status` for people. */
export function formatRolloutStatus(status) {
    const r = status.rollout;
    if (!r)
        return "no rollout has been started";
    const scope = [
        ...(r.tenants.length > 0 ? [`tenants ${r.tenants.join(", ")}`] : []),
        ...(r.percent > 0 ? [`${r.percent}% of tenants`] : []),
    ].join(" and ");
    const lines = [
        `rollout ${r.id} of change ${r.changeId}: ${r.state.replace("_", " ")}, step ${r.step} (${scope})`,
        `started ${r.startedAt} by ${r.startedBy}`,
        `monitor: margin ${r.monitor.margin * 100}%, window ${r.monitor.windowSeconds}s, at least ${r.monitor.minChecks} checks`,
    ];
    if (r.state === "running") {
        lines.push(`answered by the candidate: ${status.rolledOut.length > 0 ? status.rolledOut.join(", ") : "(no known tenant yet)"}`);
        if (status.next)
            lines.push(`next step (\`gatehouse rollout promote\`): ${status.next}`);
    }
    else {
        lines.push(`ended ${r.endedAt} by ${r.endedBy}: ${r.endReason}`);
    }
    for (const w of status.windows) {
        lines.push(`  ${w.permission}: ${w.checks} checks since ${w.windowStartedAt}, ${w.candidateDenies} denied by the candidate, ${w.baselineDenies} by the active schema`);
    }
    return lines.join("\n");
}
//# sourceMappingURL=rollout-json.js.map