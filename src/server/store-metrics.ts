import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Gatehouse } from "../service/gatehouse.js";

/**
 * Prometheus metrics of the store as this process sees it: how long its operations take, by
 * operation (the store's method: `readRelationships`, `importRelationships`, `appendDecisions`
 * ...), how many fail, and how far this process's indexes follow behind the store's head.
 * Returns the function that stops timing.
 */
export function registerStoreMetrics(registry: Registry, gatehouse: Gatehouse): () => void {
  const latency = new Histogram({
    name: "gatehouse_store_operation_duration_seconds",
    help: "Store operations by operation (the store method called), successful or not",
    labelNames: ["operation"] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
    registers: [registry],
  });
  const failures = new Counter({
    name: "gatehouse_store_operation_failures_total",
    help: "Store operations that failed (a refused write, a lost connection), by operation",
    labelNames: ["operation"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "gatehouse_follower_lag_revisions",
    help: "Revisions committed to the store that this process has not applied to its indexes yet",
    // Several workers: the one furthest behind is what an alert wants.
    aggregator: "max",
    registers: [registry],
    async collect() {
      this.set((await gatehouse.followerLag()).revisions);
    },
  });
  new Gauge({
    name: "gatehouse_follower_lag_seconds",
    help: "Age of the oldest revision this process has not applied yet (0 when it is at the head)",
    aggregator: "max",
    registers: [registry],
    async collect() {
      this.set((await gatehouse.followerLag()).seconds);
    },
  });
  // prom-client hashes a label object on every call: one child per operation instead.
  const children = new Map<string, Histogram.Internal<"operation">>();
  return gatehouse.storeTimings.listen((operation, seconds, failed) => {
    let child = children.get(operation);
    if (child === undefined) {
      child = latency.labels({ operation });
      children.set(operation, child);
    }
    child.observe(seconds);
    if (failed) failures.inc({ operation });
  });
}
