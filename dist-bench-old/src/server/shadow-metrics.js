import { Counter, Gauge } from "prom-client";
/**
 * Prometheus metrics of shadow evaluation in this process, beside the check metrics. They are
 * read from the shadow's own counters when scraped, so the check path does no metric work.
 * The gauge aggregates by `max` across the workers of `serve --workers N`; counters add up.
 */
export class ShadowMetrics {
    constructor(registry, shadow) {
        new Gauge({
            name: "gatehouse_shadow_active",
            help: "1 while a shadow evaluation runs (a candidate schema is evaluated beside the active one)",
            aggregator: "max",
            registers: [registry],
            collect() {
                this.set(shadow.stats().running ? 1 : 0);
            },
        });
        new Counter({
            name: "gatehouse_shadow_checks_total",
            help: "Checks observed while a shadow evaluation ran: evaluated again under the candidate (true), not needed (false), or not comparable because the data moved first (moved)",
            labelNames: ["evaluated"],
            registers: [registry],
            collect() {
                const stats = shadow.stats();
                this.reset();
                this.inc({ evaluated: "true" }, stats.evaluated);
                this.inc({ evaluated: "moved" }, stats.moved);
                this.inc({ evaluated: "false" }, stats.checks - stats.evaluated - stats.moved);
            },
        });
        new Counter({
            name: "gatehouse_shadow_divergences_total",
            help: "Checks the candidate answered differently, by direction (would_block, would_allow) and permission",
            labelNames: ["direction", "permission"],
            registers: [registry],
            collect() {
                this.reset();
                for (const d of shadow.stats().divergences.values())
                    this.inc({ direction: d.direction, permission: d.permission }, d.count);
            },
        });
    }
}
//# sourceMappingURL=shadow-metrics.js.map