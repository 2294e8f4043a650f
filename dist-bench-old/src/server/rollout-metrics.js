import { Counter, Gauge } from "prom-client";
/**
 * Rollout gauges and counters beside the check metrics, read from the rollout layer when
 * scraped: the check path only bumps plain numbers there. Gauges of store-wide state aggregate
 * by `max` across the workers of `serve --workers N`; counters add up.
 */
export function registerRolloutMetrics(registry, rollouts) {
    const registers = [registry];
    new Gauge({
        name: "gatehouse_rollout_running",
        help: "1 while a staged rollout answers some tenants with a candidate schema on this node",
        aggregator: "max",
        registers,
        collect() {
            this.set(rollouts.current() ? 1 : 0);
        },
    });
    new Gauge({
        name: "gatehouse_rollout_step",
        help: "The running rollout's step (0 at start, one more per promotion)",
        aggregator: "max",
        registers,
        collect() {
            this.set(rollouts.current()?.record.step ?? 0);
        },
    });
    new Gauge({
        name: "gatehouse_rollout_percent",
        help: "The share of tenant buckets the running rollout includes",
        aggregator: "max",
        registers,
        collect() {
            this.set(rollouts.current()?.record.percent ?? 0);
        },
    });
    new Gauge({
        name: "gatehouse_rollout_tenants",
        help: "Tenants loaded on this node that the running rollout answers with the candidate",
        aggregator: "max",
        registers,
        collect() {
            this.set(rollouts.current()?.rolledOutLoaded ?? 0);
        },
    });
    new Counter({
        name: "gatehouse_rollout_monitor_trips_total",
        help: "Deny-rate monitor trips on this node (each rolls its rollout back)",
        registers,
        collect() {
            this.reset();
            this.inc(rollouts.counters.trips);
        },
    });
    new Counter({
        name: "gatehouse_rollout_candidate_checks_total",
        help: "Checks answered by a rollout's candidate schema on this node",
        registers,
        collect() {
            this.reset();
            this.inc(rollouts.counters.candidateChecks);
        },
    });
}
//# sourceMappingURL=rollout-metrics.js.map