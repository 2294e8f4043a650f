import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Rollouts } from "../rollout/rollouts.js";

/** Prometheus metrics: request rates and latencies by route, checks by result. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "gatehouse_http_requests_total",
    help: "HTTP requests by route, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "gatehouse_http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["route", "method"] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly checks = new Counter({
    name: "gatehouse_checks_total",
    help: "Permission checks answered, by result",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "gatehouse_" });
  }

  install(app: FastifyInstance): void {
    app.addHook("onResponse", async (request, reply) => {
      const route = request.routeOptions.url ?? "unmatched";
      this.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
      this.latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    });
  }

  /**
   * Rollout gauges and counters, read from the rollout layer when scraped: the hot path only
   * bumps plain numbers there.
   */
  watchRollouts(rollouts: Rollouts): void {
    const registers = [this.registry];
    new Gauge({
      name: "gatehouse_rollout_running",
      help: "1 while a staged rollout answers some tenants with a candidate schema on this node",
      registers,
      collect() {
        this.set(rollouts.current() ? 1 : 0);
      },
    });
    new Gauge({
      name: "gatehouse_rollout_step",
      help: "The running rollout's step (0 at start, one more per promotion)",
      registers,
      collect() {
        this.set(rollouts.current()?.record.step ?? 0);
      },
    });
    new Gauge({
      name: "gatehouse_rollout_percent",
      help: "The share of tenant buckets the running rollout includes",
      registers,
      collect() {
        this.set(rollouts.current()?.record.percent ?? 0);
      },
    });
    new Gauge({
      name: "gatehouse_rollout_tenants",
      help: "Tenants loaded on this node that the running rollout answers with the candidate",
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

  countChecks(results: readonly boolean[]): void {
    let allowed = 0;
    for (const r of results) if (r) allowed++;
    if (allowed > 0) this.checks.inc({ result: "allowed" }, allowed);
    if (results.length - allowed > 0) this.checks.inc({ result: "denied" }, results.length - allowed);
  }
}
