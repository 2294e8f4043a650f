import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { installMemoryBudget } from "../cluster/budget-hook.js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import { installForwarding, installHopCheck } from "../cluster/forwarding.js";
import type { MemoryBudget } from "../cluster/memory-budget.js";
import { requestIdOf } from "../model/request-id.js";
import { redactSecrets } from "../model/secrets.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { installAuth } from "./auth.js";
import { registerConsole } from "./console-routes.js";
import { registerDecisionMetrics } from "./decision-metrics.js";
import { DOCS_UI_OPTIONS } from "./docs-branding.js";
import { sendError, sendUrlError } from "./http-errors.js";
import { refuseDuplicateKeys } from "./json-keys.js";
import { Metrics } from "./metrics.js";
import { Refusals } from "./refusals.js";
import { registerRolloutMetrics } from "./rollout-metrics.js";
import { registerAdmin } from "./routes/admin.js";
import { registerChangeFileCheck } from "./routes/change-file-check.js";
import { registerChangeReview } from "./routes/change-review.js";
import { registerChanges } from "./routes/changes.js";
import { registerCluster } from "./routes/cluster.js";
import { registerData } from "./routes/data.js";
import { registerDecisions } from "./routes/decisions.js";
import { registerExpiringAccess } from "./routes/expiring-access.js";
import { registerImportStream } from "./routes/import-stream.js";
import { registerIncident } from "./routes/incident.js";
import { registerLifecycle } from "./routes/lifecycle.js";
import { registerQueries } from "./routes/queries.js";
import { registerReplay } from "./routes/replay.js";
import { registerRevisions } from "./routes/revisions.js";
import { registerRollout } from "./routes/rollout.js";
import { registerShadow } from "./routes/shadow.js";
import { registerTenants } from "./routes/tenants.js";
import { ShadowMetrics } from "./shadow-metrics.js";
import { registerStoreMetrics } from "./store-metrics.js";
import { readUrlValues } from "./url-values.js";
import { isWorker, shareMetrics } from "./workers.js";

export interface ServerOptions {
  /** pino options, or false for no logs (tests). */
  readonly logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
  /** Request bodies above this are refused with 413. */
  readonly bodyLimit?: number;
  /** Where purge export bundles are written (default ./gatehouse-exports). */
  readonly exportDir?: string;
  /** A node of `serve --cluster`: tenants it does not hold are forwarded to their holders. */
  readonly cluster?: ClusterNode;
  /** `--memory-budget`: least recently used tenants are dropped past it. */
  readonly memoryBudget?: MemoryBudget;
}

export interface GatehouseServer {
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  /** Stops following the store; the caller closes the app. */
  stopFollowing(): void;
}

/**
 * The HTTP API: JSON routes over the same operations as the CLI, token authentication with
 * roles, an OpenAPI document at `/openapi.json` (browsable at `/docs`), Prometheus metrics at
 * `/metrics`, and health at `/healthz` and `/readyz`.
 */
export async function buildServer(
  gatehouse: Gatehouse,
  options: ServerOptions = {},
): Promise<GatehouseServer> {
  const logger =
    options.logger === false || options.logger === undefined
      ? false
      : {
          level: options.logger === true ? "info" : (options.logger.level ?? "info"),
          ...(options.logger !== true && options.logger.stream ? { stream: options.logger.stream } : {}),
          // Secrets must never reach the logs: the headers that carry them, and any store
          // password or token secret anywhere in a line (an error's message, a URL).
          redact: {
            paths: ["req.headers.authorization", "req.headers.cookie", "res.body.secret"],
            censor: "[redacted]",
          },
          hooks: { streamWrite: (line: string) => redactSecrets(line) },
        };
  const bodyLimit = options.bodyLimit ?? 32 * 1024 * 1024;
  const app = Fastify({
    logger,
    bodyLimit,
    // The caller's `x-request-id` when it is a plain id (it is recorded with every write and in
    // the audit log), else a fresh one: an id of kilobytes or of odd bytes is not kept.
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers["x-request-id"]),
    // No coercion: a JSON field of the wrong type is a 400 naming it (url-values.ts reads the URL's text).
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
    // A URL the router cannot read answers in the API's error shape, like every other 4xx.
    frameworkErrors: (error, _request, reply) => sendUrlError(error, reply),
  });
  readUrlValues(app);
  refuseDuplicateKeys(app);
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        kind: "not_found",
        message: `no route ${request.method} ${request.url}; the API is described at /openapi.json`,
      },
    }),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Gatehouse",
        version: "0.1.0",
        description: "Authorization with every permission change planned, reviewed and reversible.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, DOCS_UI_OPTIONS);

  const metrics = new Metrics();
  metrics.install(app);
  // One of several workers (`serve --workers N`): /metrics reports all of them, not this one.
  const metricsText = isWorker() ? shareMetrics(metrics.registry) : () => metrics.registry.metrics();
  new ShadowMetrics(metrics.registry, gatehouse.shadow);
  if (gatehouse.decisionLog) registerDecisionMetrics(metrics.registry, gatehouse.decisionLog);
  const stopTiming = registerStoreMetrics(metrics.registry, gatehouse);
  app.addHook("onClose", async () => stopTiming());
  const refusals = new Refusals(gatehouse.audit, metrics.authFailures, app.log);
  // The refusals still only summed in memory reach the log and the audit chain before the store closes.
  app.addHook("onClose", async () => refusals.flush());
  // Before authentication: it audits the client a verified hop names.
  if (options.cluster) installHopCheck(app, options.cluster);
  const auth = installAuth(app, gatehouse.tokens, refusals);
  if (options.cluster) {
    installForwarding(app, options.cluster, bodyLimit);
    registerCluster(app, gatehouse, options.cluster);
  }
  if (options.memoryBudget) installMemoryBudget(app, gatehouse.engine, options.memoryBudget);

  registerQueries(app, gatehouse, metrics);
  registerData(app, gatehouse);
  registerImportStream(app, gatehouse);
  registerRevisions(app, gatehouse);
  registerExpiringAccess(app, gatehouse);
  registerChanges(app, gatehouse);
  registerChangeReview(app, gatehouse);
  registerChangeFileCheck(app, gatehouse);
  registerTenants(app, gatehouse);
  registerLifecycle(app, gatehouse, options.exportDir ?? "./gatehouse-exports");
  registerAdmin(app, gatehouse, () => auth.forget());
  registerRollout(app, gatehouse);
  registerRolloutMetrics(metrics.registry, gatehouse.rollouts);
  gatehouse.rollouts.onPollError = (error) =>
    app.log.error({ err: error }, "reading the rollout state failed");
  registerShadow(app, gatehouse);
  registerReplay(app, gatehouse);
  registerDecisions(app, gatehouse);
  registerIncident(app, gatehouse);

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  registerConsole(app);
  app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/console"));
  app.get("/healthz", { schema: { hide: true } }, async () => ({ ok: true }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    try {
      const head = await gatehouse.headRevision();
      const schema = await gatehouse.readSchema();
      return { ready: true, revision: gatehouse.revision, head, schema: schema?.version ?? null };
    } catch (error) {
      return reply.status(503).send({ ready: false, error: redactSecrets((error as Error).message) });
    }
  });
  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metricsText();
  });

  // Follow revisions written by other processes and nodes, so indexes stay current between requests.
  const stopFollowing = gatehouse.followStore(() => {
    gatehouse.catchUp().catch((error) => app.log.error({ err: error }, "catching up with the store failed"));
  });
  return { app, metrics, stopFollowing };
}
