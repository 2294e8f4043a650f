import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

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

  readonly authFailures = new Counter({
    name: "gatehouse_auth_failures_total",
    help: "Requests refused by authentication: missing or invalid (unknown or revoked) token (401), forbidden (403)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  constructor() {
    // Prometheus' standard process and Node.js metrics keep their standard names (process_*,
    // nodejs_*), which stock dashboards and alerts expect; Gatehouse's own carry `gatehouse_`.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Label children by route, method and status: prom-client hashes label objects on every call. */
  private readonly children = new Map<
    string,
    { requests: Counter.Internal; latency: Histogram.Internal<"route" | "method"> }
  >();

  install(app: FastifyInstance): void {
    app.addHook("onResponse", (request, reply, done) => {
      const route = request.routeOptions.url ?? "unmatched";
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let child = this.children.get(key);
      if (child === undefined) {
        child = {
          requests: this.requests.labels({ route, method: request.method, status: String(reply.statusCode) }),
          latency: this.latency.labels({ route, method: request.method }),
        };
        this.children.set(key, child);
      }
      child.requests.inc();
      child.latency.observe(reply.elapsedTime / 1000);
      done();
    });
  }

  countChecks(results: readonly boolean[]): void {
    let allowed = 0;
    for (const r of results) if (r) allowed++;
    if (allowed > 0) this.checks.inc({ result: "allowed" }, allowed);
    if (results.length - allowed > 0) this.checks.inc({ result: "denied" }, results.length - allowed);
  }
}
