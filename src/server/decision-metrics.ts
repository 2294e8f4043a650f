import { Counter, Gauge, type Registry } from "prom-client";
import type { DecisionLog } from "../service/decision-log.js";
import type { DecisionLossReason } from "../service/records.js";

const REASONS: readonly DecisionLossReason[] = ["buffer_full", "store_failed", "closed", "process_ended"];

/**
 * Prometheus metrics of the decision log, read from its counters when scraped (nothing on the
 * check path). Counters add up across the workers of `serve --workers N`.
 */
export function registerDecisionMetrics(registry: Registry, log: DecisionLog): void {
  new Counter({
    name: "gatehouse_decisions_recorded_total",
    help: "Checks written to the decision log",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(log.stats().recorded);
    },
  });
  new Counter({
    name: "gatehouse_decisions_dropped_total",
    help: "Checks answered that the decision log could not record, by reason (buffer_full, store_failed, closed; process_ended: counted from the tally of a process that was killed with them unwritten)",
    labelNames: ["reason"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const lost = log.stats().lost;
      for (const reason of REASONS) this.inc({ reason }, lost[reason]);
    },
  });
  new Gauge({
    name: "gatehouse_decisions_buffered",
    help: "Checks waiting in memory to be written to the decision log",
    aggregator: "sum",
    registers: [registry],
    collect() {
      this.set(log.stats().buffered);
    },
  });
}
