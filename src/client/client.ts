/**
 * A typed client for Gatehouse's HTTP API. It has no dependencies beyond `fetch` (Node 20+,
 * browsers), and it keeps the newest revision it has seen: with `consistency: "session"` every
 * query asks for at least that revision, so a caller always reads its own writes, even when
 * its requests land on different nodes.
 */

// Response shapes come from the server's own schemas (src/service/views), as types only: this
// module loads nothing of the server at runtime.
import type { Static } from "@sinclair/typebox";
import type { AuditRecordView, AuditVerificationView } from "../service/views/audit.js";
import type {
  ApplyView,
  ApproveView,
  ChangeDetailView,
  ChangeSummaryView,
  LifecycleProposalView,
  PlanView,
  RevertView,
} from "../service/views/change.js";
import type { ChangeFileCheckView } from "../service/views/change-file-check.js";
import type { DecisionListView, DecisionView } from "../service/views/decision.js";
import type { ExpiryForecastView } from "../service/views/expiring-access.js";
import type { ExplainView } from "../service/views/explain.js";
import type { SchemaAnswerView } from "../service/views/fields.js";
import type {
  IncidentAccessView,
  IncidentReportView,
  IncidentTenantView,
} from "../service/views/incident.js";
import type { ChangeReviewView, PlanRowsView, SchemaDiffView } from "../service/views/plan-review.js";
import type {
  CheckBatchView,
  CheckView,
  ExplainedCheckView,
  LookupResourcesView,
  LookupSubjectsView,
} from "../service/views/query.js";
import type { RelationshipView } from "../service/views/relationship.js";
import type { ExpiredCollectionView, RetentionView } from "../service/views/retention.js";
import type { RevisionView } from "../service/views/revision.js";
import type { RolloutStatusView, RolloutView } from "../service/views/rollout.js";
import type {
  DivergenceReportView,
  ReplayReportView,
  ShadowReportView,
  ShadowSessionView,
} from "../service/views/shadow.js";
import type { TenantListView } from "../service/views/tenant.js";

export type {
  ApplyView,
  ApproveView,
  AuditRecordView,
  AuditVerificationView,
  ChangeDetailView,
  ChangeFileCheckView,
  ChangeReviewView,
  ChangeSummaryView,
  CheckBatchView,
  CheckView,
  DecisionListView,
  DecisionView,
  DivergenceReportView,
  ExplainedCheckView,
  ExplainView,
  IncidentAccessView,
  IncidentReportView,
  IncidentTenantView,
  LifecycleProposalView,
  LookupResourcesView,
  LookupSubjectsView,
  PlanRowsView,
  PlanView,
  ReplayReportView,
  RetentionView,
  RevertView,
  RevisionView,
  RolloutStatusView,
  RolloutView,
  SchemaDiffView,
  ShadowReportView,
  ShadowSessionView,
  TenantListView,
};

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string;
  /** A token secret (`gatehouse token create`). */
  readonly token: string;
  /** `session` (default): read your own writes; `none`: whatever the node has. */
  readonly consistency?: "session" | "none";
  readonly fetch?: typeof fetch;
  /**
   * `cluster`: send each tenant's requests straight to a node that holds it, as the cluster's
   * placement says (`GET /v1/cluster/placement`, read again every `placementTtlMs`, default 5 s);
   * store-wide requests, and tenants the placement does not name yet, go to `url`, which
   * forwards them. `none` (default): every request goes to `url`.
   */
  readonly routing?: "cluster" | "none";
  readonly placementTtlMs?: number;
}

export interface CheckInput {
  /** `document:readme` */
  readonly resource: string;
  readonly permission: string;
  /** `user:ann`, `group:eng#member` */
  readonly subject: string;
  /** Values for the parameters of the caveats the check meets (a relationship's own context wins). */
  readonly context?: Readonly<Record<string, unknown>>;
}

export type UpdateOperation = "create" | "touch" | "delete";

/** Which schema answered a query: the active version, or a rollout's candidate (its change id). */
export type SchemaAnswer = Static<typeof SchemaAnswerView>;

export interface ApiErrorBody {
  readonly kind: string;
  readonly message: string;
  readonly place?: unknown;
  readonly details?: unknown[];
  /** What the caller needs to act on a refusal: for a schema write held back by its plan, `change` (its id) and the plan's counts and summary. */
  readonly facts?: Record<string, unknown>;
}

/** A non-2xx answer: `status` and the server's error body. `retryable` for 503s. */
export class GatehouseApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`${status} ${body.kind}: ${body.message}`);
    this.name = "GatehouseApiError";
  }

  get retryable(): boolean {
    return this.status === 503;
  }
}

/**
 * The server could not be reached, or did not answer as Gatehouse answers: the address, and
 * what went wrong underneath (`cause`), instead of a bare `TypeError: fetch failed`.
 */
export class GatehouseConnectionError extends Error {
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GatehouseConnectionError";
  }
}

/** The low-level reason under fetch's "fetch failed" (ECONNREFUSED, ENOTFOUND, a timeout...). */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

export interface AccessRow {
  readonly tenant: string;
  readonly resource: string;
  readonly permission: string;
  readonly subject: string;
  readonly except?: readonly string[];
}

/** A page of a paged read: its size, and the cursor of the page before. */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string | null;
}

/** A lookup's page and its caveat context (answers that need context not given come as `conditional`). */
export interface LookupRequest extends PageRequest {
  readonly context?: Readonly<Record<string, unknown>>;
}

function pageFields(page: PageRequest): { limit?: number; cursor?: string } {
  return {
    ...(page.limit !== undefined ? { limit: page.limit } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

/**
 * What a client knows of a cluster's placement (`GET /v1/cluster/placement`), to send each
 * tenant's requests straight to a node that holds it instead of through the one it was given.
 * Read at most once per `ttlMs` and forgotten when a node cannot be reached; a server that is
 * not a cluster (404) is remembered as such, and then every request goes to the given address.
 */
class PlacementCache {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #ttlMs: number;
  #read: Promise<Map<string, string> | undefined> | undefined;
  #readAt = 0;

  constructor(options: { url: string; token: string; fetch: typeof fetch; ttlMs: number }) {
    this.#url = options.url;
    this.#token = options.token;
    this.#fetch = options.fetch;
    this.#ttlMs = options.ttlMs;
  }

  /** The address of the tenant's first live holder, or undefined: send it to the given address. */
  async nodeFor(tenant: string): Promise<string | undefined> {
    if (this.#read === undefined || Date.now() - this.#readAt > this.#ttlMs) {
      this.#readAt = Date.now();
      this.#read = this.#readPlacement().catch(() => undefined);
    }
    return (await this.#read)?.get(tenant);
  }

  /** A routed node could not be reached: read the placement again before the next request. */
  forget(): void {
    this.#read = undefined;
  }

  async #readPlacement(): Promise<Map<string, string> | undefined> {
    const response = await this.#fetch(`${this.#url}/v1/cluster/placement`, {
      headers: { authorization: `Bearer ${this.#token}` },
    });
    if (!response.ok) return undefined;
    const placement = (await response.json()) as {
      nodes: { id: string; url: string; live: boolean }[];
      tenants: Record<string, string[]>;
    };
    const urls = new Map(placement.nodes.filter((node) => node.live).map((node) => [node.id, node.url]));
    const routes = new Map<string, string>();
    for (const [tenant, holders] of Object.entries(placement.tenants)) {
      const url = holders.map((id) => urls.get(id)).find((found) => found !== undefined);
      if (url !== undefined) routes.set(tenant, url.replace(/\/$/, ""));
    }
    return routes;
  }
}

function lookupFields(lookup: LookupRequest): { limit?: number; cursor?: string; context?: object } {
  return { ...pageFields(lookup), ...(lookup.context !== undefined ? { context: lookup.context } : {}) };
}

export class GatehouseClient {
  private readonly url: string;
  private readonly token: string;
  private readonly session: boolean;
  private readonly fetcher: typeof fetch;
  private readonly placement: PlacementCache | undefined;
  /** The newest revision this client has written or been answered at. */
  revision = 0;

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/$/, "");
    this.token = options.token;
    this.session = (options.consistency ?? "session") === "session";
    this.fetcher = options.fetch ?? fetch;
    this.placement =
      options.routing === "cluster"
        ? new PlacementCache({
            url: this.url,
            token: this.token,
            fetch: this.fetcher,
            ttlMs: options.placementTtlMs ?? 5_000,
          })
        : undefined;
  }

  /** Where a request goes: a holder of its tenant when routing by placement, else the given address. */
  private async baseFor(path: string): Promise<string> {
    const tenant = this.placement ? /^\/v1\/tenants\/([^/?]+)\//.exec(path)?.[1] : undefined;
    if (tenant === undefined) return this.url;
    return (await this.placement!.nodeFor(decodeURIComponent(tenant))) ?? this.url;
  }

  private consistency(): { atLeastRevision?: number } {
    return this.session && this.revision > 0 ? { atLeastRevision: this.revision } : {};
  }

  private seen<T extends { revision?: number | null }>(answer: T): T {
    if (typeof answer.revision === "number" && answer.revision > this.revision)
      this.revision = answer.revision;
    return answer;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(
      method,
      path,
      body === undefined
        ? undefined
        : {
            contentType: "application/json",
            body: JSON.stringify(body),
          },
    );
  }

  private async send<T>(
    method: string,
    path: string,
    content: { contentType: string; body: string | AsyncIterable<Uint8Array> } | undefined,
  ): Promise<T> {
    return this.sendTo<T>(await this.baseFor(path), method, path, content);
  }

  /** One call: the connection's failures and a body that is not JSON become the client's own errors. */
  private async sendTo<T>(
    base: string,
    method: string,
    path: string,
    content: { contentType: string; body: string | AsyncIterable<Uint8Array> } | undefined,
  ): Promise<T> {
    let response: Response;
    let text: string;
    try {
      const streamed = content !== undefined && typeof content.body !== "string";
      response = await this.fetcher(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          // This client reads JSON answers (a route with another form, `/checks/text`, then answers JSON too).
          accept: "application/json",
          ...(content !== undefined ? { "content-type": content.contentType } : {}),
        },
        ...(content !== undefined ? { body: content.body as RequestInit["body"] } : {}),
        // A body read as it is sent (Node's fetch needs `duplex` for a stream).
        ...(streamed ? ({ duplex: "half" } as RequestInit) : {}),
      });
      text = await response.text();
    } catch (error) {
      // A holder that refused the connection (it stopped) was sent nothing: the given address
      // answers instead, forwarding to a live holder, and the placement is read again.
      if (base !== this.url && failureReason(error) === "ECONNREFUSED" && typeof content?.body !== "object") {
        this.placement!.forget();
        return this.sendTo<T>(this.url, method, path, content);
      }
      throw new GatehouseConnectionError(
        base,
        `cannot reach Gatehouse at ${base} (${failureReason(error)}): is the server running, and is the address right?`,
        { cause: error },
      );
    }
    let parsed: { error?: ApiErrorBody };
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch (error) {
      // A proxy's HTML error page, or something that is not Gatehouse at this address.
      throw new GatehouseConnectionError(
        base,
        `${method} ${base}${path} answered ${response.status} with a body that is not JSON: is ${base} a Gatehouse server?`,
        { cause: error },
      );
    }
    if (!response.ok)
      throw new GatehouseApiError(response.status, parsed.error ?? { kind: "unknown", message: text });
    return parsed as T;
  }

  private tenantPath(tenant: string, rest: string): string {
    return `/v1/tenants/${encodeURIComponent(tenant)}/${rest}`;
  }

  // ---- queries ----

  async check(tenant: string, input: CheckInput): Promise<CheckView> {
    return this.seen(
      await this.request("POST", this.tenantPath(tenant, "check"), { ...input, ...this.consistency() }),
    );
  }

  async checkMany(tenant: string, checks: readonly CheckInput[]): Promise<CheckBatchView> {
    return this.seen(
      await this.request("POST", this.tenantPath(tenant, "checks"), { checks, ...this.consistency() }),
    );
  }

  /**
   * `checkMany` with checks written as lines (`document:readme#view@user:ann`, as `permission
   * check --batch` reads them), sent as text (`POST /checks/text`): the cheaper batch for the
   * server to read. At most 10,000 checks; a bad line is a 400 whose `place.line` is its line
   * (1-based) and nothing is answered. Checks that need caveat context go through `checkMany`.
   */
  async checkLines(
    tenant: string,
    lines: string | readonly string[],
    options: { atLeastRevision?: number } = {},
  ): Promise<CheckBatchView> {
    const session = this.consistency().atLeastRevision;
    const asked = options.atLeastRevision;
    const atLeast =
      asked === undefined || session === undefined ? (asked ?? session) : Math.max(asked, session);
    const query = atLeast !== undefined ? `?atLeastRevision=${atLeast}` : "";
    return this.seen(
      await this.send<CheckBatchView>("POST", this.tenantPath(tenant, `checks/text${query}`), {
        contentType: "text/plain; charset=utf-8",
        body: typeof lines === "string" ? lines : lines.join("\n"),
      }),
    );
  }

  async explain(tenant: string, input: CheckInput): Promise<ExplainedCheckView> {
    return this.seen(
      await this.request("POST", this.tenantPath(tenant, "explain"), { ...input, ...this.consistency() }),
    );
  }

  /**
   * One page of a lookup (default 1,000 ids, at most 10,000 with `limit`); pass the answer's
   * `cursor` to read the next page (null: this was the last), answered at the same revision.
   * Under caveats, `context` gives their parameters; resources granted only under parameters
   * it lacks come in the answer's `conditional`, each naming them.
   */
  async lookupResources(
    tenant: string,
    resourceType: string,
    permission: string,
    subject: string,
    lookup: LookupRequest = {},
  ): Promise<LookupResourcesView> {
    return this.seen(
      await this.request("POST", this.tenantPath(tenant, "lookup-resources"), {
        resourceType,
        permission,
        subject,
        ...lookupFields(lookup),
        ...this.consistency(),
      }),
    );
  }

  async lookupSubjects(
    tenant: string,
    resource: string,
    permission: string,
    subjectType: string,
    subjectRelation?: string,
    lookup: LookupRequest = {},
  ): Promise<LookupSubjectsView> {
    return this.seen(
      await this.request("POST", this.tenantPath(tenant, "lookup-subjects"), {
        resource,
        permission,
        subjectType,
        ...(subjectRelation ? { subjectRelation } : {}),
        ...lookupFields(lookup),
        ...this.consistency(),
      }),
    );
  }

  // ---- data ----

  async writeRelationships(
    tenant: string,
    updates: ReadonlyArray<{
      operation: UpdateOperation;
      /** Tuple text, which may carry `[caveat:{...}]` and `[expiration:...]` itself. */
      relationship: string;
      caveat?: { name: string; context?: Record<string, unknown> };
      expiresAt?: string;
    }>,
  ): Promise<{ revision: number; created: string[]; deleted: string[] }> {
    return this.seen(await this.request("POST", this.tenantPath(tenant, "relationships"), { updates }));
  }

  /** One page of relationships (tuple order); `cursor` continues at the same revision. */
  async readRelationships(
    tenant: string,
    filter: {
      resource?: string;
      relation?: string;
      subject?: string;
      atRevision?: number;
      limit?: number;
      cursor?: string;
    } = {},
  ): Promise<{
    relationships: RelationshipView[];
    revision: number;
    cursor: string | null;
  }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    return this.request("GET", `${this.tenantPath(tenant, "relationships")}${query.size ? `?${query}` : ""}`);
  }

  /** Deletes every live relationship a filter selects, as one guarded direct write. */
  async deleteRelationships(
    tenant: string,
    filter: { resource: string; relation?: string; subject?: string; reason?: string },
  ): Promise<{ revision: number; deleted: string[] }> {
    return this.seen(await this.request("POST", this.tenantPath(tenant, "relationships/delete"), filter));
  }

  async importRelationships(tenant: string, lines: string): Promise<{ revision: number; created: number }> {
    return this.seen(await this.request("POST", this.tenantPath(tenant, "import"), { relationships: lines }));
  }

  /**
   * Imports one tuple a line from a stream of any size (a file, standard input), sent as it is
   * read to the streaming route: all or nothing, as one revision; a bad line is named in `body`.
   */
  async importRelationshipsFrom(
    tenant: string,
    source: AsyncIterable<Uint8Array>,
  ): Promise<{ revision: number; created: number }> {
    return this.seen(
      await this.send("POST", this.tenantPath(tenant, "import/stream"), {
        contentType: "text/plain",
        body: source,
      }),
    );
  }

  async readSchema(): Promise<{
    schema: string | null;
    version: number | null;
    revision: number | null;
    createdAt: string | null;
    author: string | null;
  }> {
    return this.request("GET", "/v1/schema");
  }

  /**
   * Writes a schema. On a store with relationships it is planned first; when it would take access
   * away or a guard fails, nothing goes live and this throws a 409 `GatehouseApiError` whose
   * `body.facts.change` is the change it was proposed as (approve and apply it as any change).
   */
  async writeSchema(
    schema: string,
    reason?: string,
  ): Promise<{ version: number; revision: number; change: number | null; gained: number; lost: number }> {
    return this.seen(await this.request("PUT", "/v1/schema", { schema, ...(reason ? { reason } : {}) }));
  }

  // ---- changes ----

  async proposeChange(tenant: string, file: string): Promise<ChangeSummaryView> {
    return this.request("POST", this.tenantPath(tenant, "changes"), { file });
  }

  async planChange(id: number): Promise<PlanView> {
    return this.request("POST", `/v1/changes/${id}/plan`);
  }

  /**
   * Approves the plan `plan` names (the `planId` of the plan the reviewer read); the server
   * refuses it with a 409 when the change has been planned again since.
   */
  async approveChange(id: number, plan: string, comment?: string): Promise<ApproveView> {
    return this.request("POST", `/v1/changes/${id}/approve`, comment ? { plan, comment } : { plan });
  }

  /** Withdraws a proposed or planned change (its author only). */
  async withdrawChange(id: number, reason?: string): Promise<ChangeSummaryView> {
    return this.request("POST", `/v1/changes/${id}/withdraw`, reason ? { reason } : {});
  }

  /** Rejects a proposed or planned change (role approve), with the reason its author will read. */
  async rejectChange(id: number, reason: string): Promise<ChangeSummaryView> {
    return this.request("POST", `/v1/changes/${id}/reject`, { reason });
  }

  async applyChange(id: number): Promise<ApplyView> {
    return this.seen(await this.request("POST", `/v1/changes/${id}/apply`));
  }

  /** Reverts an applied change; a revert still pending is returned (`existing: true`) instead of a second. */
  async revertChange(id: number, reason?: string): Promise<RevertView> {
    return this.request("POST", `/v1/changes/${id}/revert`, reason ? { reason } : {});
  }

  async getChange(id: number): Promise<ChangeDetailView> {
    return this.request("GET", `/v1/changes/${id}`);
  }

  // ---- subject and tenant lifecycle ----

  /** Proposes the soft deletion of a subject (`account:a1`) in a tenant. */
  async deleteSubject(tenant: string, subject: string, reason?: string): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "subjects/delete"), {
      subject,
      ...(reason ? { reason } : {}),
    });
  }

  async restoreSubject(tenant: string, subject: string, reason?: string): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "subjects/restore"), {
      subject,
      ...(reason ? { reason } : {}),
    });
  }

  /** Writes the export bundle (on the server) and proposes the purge; refused inside the retention window. */
  async purgeSubject(tenant: string, subject: string, reason?: string): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "subjects/purge"), {
      subject,
      ...(reason ? { reason } : {}),
    });
  }

  async mergeSubject(
    tenant: string,
    from: string,
    into: string,
    reason?: string,
  ): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "subjects/merge"), {
      from,
      into,
      ...(reason ? { reason } : {}),
    });
  }

  async deleteTenant(tenant: string, reason?: string): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "lifecycle/delete"), reason ? { reason } : {});
  }

  async restoreTenant(tenant: string, reason?: string): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "lifecycle/restore"), reason ? { reason } : {});
  }

  async purgeTenant(tenant: string, reason?: string): Promise<LifecycleProposalView> {
    return this.request("POST", this.tenantPath(tenant, "lifecycle/purge"), reason ? { reason } : {});
  }

  async retention(): Promise<RetentionView> {
    return this.request("GET", "/v1/retention");
  }

  async setRetention(days: number, reason?: string): Promise<RetentionView> {
    return this.request("PUT", "/v1/retention", { days, ...(reason ? { reason } : {}) });
  }

  /** Removes the relationships that expired longer ago than the retention window (admin). */
  async collectExpired(reason?: string): Promise<ExpiredCollectionView> {
    return this.request("POST", "/v1/retention/collect", reason ? { reason } : {});
  }

  /** The expiry forecast of a tenant: who will lose which access within `within` (`7d`). */
  async expiringAccess(tenant: string, within: string): Promise<ExpiryForecastView> {
    return this.request(
      "GET",
      this.tenantPath(tenant, `access/expiring?within=${encodeURIComponent(within)}`),
    );
  }

  // ---- rollout ----

  async startRollout(input: {
    changeId: number;
    tenants?: string[];
    percent?: number;
    margin?: number;
    windowSeconds?: number;
    minChecks?: number;
    reason?: string;
  }): Promise<RolloutView> {
    return this.request("POST", "/v1/rollout/start", input);
  }

  async promoteRollout(
    input: { tenants?: string[]; percent?: number; all?: boolean; reason?: string } = {},
  ): Promise<RolloutView & { revision?: number }> {
    return this.seen(await this.request("POST", "/v1/rollout/promote", input));
  }

  async rollbackRollout(reason?: string): Promise<RolloutView> {
    return this.request("POST", "/v1/rollout/rollback", reason ? { reason } : {});
  }

  async rolloutStatus(): Promise<RolloutStatusView> {
    return this.request("GET", "/v1/rollout");
  }

  // ---- revisions (approve or admin) ----

  /** Who made a revision, through which door and request, and what it created and deleted. */
  async getRevision(revision: number): Promise<RevisionView> {
    return this.request("GET", `/v1/revisions/${revision}`);
  }

  /** Revisions, newest first (100 unless `limit` says otherwise). */
  async listRevisions(
    filter: { actor?: string; tenant?: string; since?: string; limit?: number } = {},
  ): Promise<{ revisions: RevisionView[] }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    return this.request("GET", `/v1/revisions${query.size ? `?${query}` : ""}`);
  }

  // ---- audit (admin) ----

  /** Audit records, oldest first (the server returns at most 1000 unless `limit` says otherwise). */
  async listAudit(
    filter: {
      actor?: string;
      action?: string;
      tenant?: string;
      since?: string;
      until?: string;
      limit?: number;
    } = {},
  ): Promise<{ records: AuditRecordView[] }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    return this.request("GET", `/v1/audit${query.size ? `?${query}` : ""}`);
  }

  /** Walks the audit log's hash chain: `ok`, or the first record edited, removed or reordered. */
  async verifyAudit(): Promise<AuditVerificationView> {
    return this.request("GET", "/v1/audit/verify");
  }

  // ---- reviewing a change ----

  /** Checks a change file as propose would, writing nothing: every problem with its line and column. */
  async checkChangeFile(tenant: string, file: string): Promise<ChangeFileCheckView> {
    return this.request("POST", this.tenantPath(tenant, "changes/check"), { file });
  }

  /** The tenants the token may know of. */
  async listTenants(): Promise<TenantListView> {
    return this.request("GET", "/v1/tenants");
  }

  /** A change for review: its state, its plan's summary and counts (no rows), and the actions the caller may take. */
  async reviewChange(id: number): Promise<ChangeReviewView> {
    return this.request("GET", `/v1/changes/${id}/review`);
  }

  /** One page of a change's plan rows (lost, then gained), filtered. */
  async planRows(id: number, query: PlanRowQuery = {}): Promise<PlanRowsView> {
    return this.request("GET", `/v1/changes/${id}/plan/rows${queryText(query)}`);
  }

  /** Every plan row the filter lets through, as CSV text. */
  async planRowsCsv(id: number, filter: Omit<PlanRowQuery, "offset" | "limit"> = {}): Promise<string> {
    const response = await this.fetcher(`${this.url}/v1/changes/${id}/plan/rows.csv${queryText(filter)}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    const text = await response.text();
    if (!response.ok)
      throw new GatehouseApiError(
        response.status,
        (JSON.parse(text) as { error?: ApiErrorBody }).error ?? { kind: "unknown", message: text },
      );
    return text;
  }

  /** A model change's schema against the one in force at its plan's base revision. */
  async changeSchemaDiff(id: number): Promise<SchemaDiffView> {
    return this.request("GET", `/v1/changes/${id}/schema-diff`);
  }

  // ---- shadow evaluation and replay ----

  async startShadow(change: number, reason?: string): Promise<ShadowSessionView> {
    return this.request("POST", "/v1/shadow/start", reason ? { change, reason } : { change });
  }

  async stopShadow(reason?: string): Promise<ShadowSessionView> {
    return this.request("POST", "/v1/shadow/stop", reason ? { reason } : {});
  }

  /** The running session's report, else the newest (or the one named). */
  async shadowReport(session?: number): Promise<ShadowReportView> {
    return this.request("GET", `/v1/shadow${session !== undefined ? `?session=${session}` : ""}`);
  }

  /** Replays recorded decisions (of the last `since`, e.g. `24h`) against a change. */
  async replay(change: number, since?: string): Promise<ReplayReportView> {
    return this.request("POST", "/v1/replay", since !== undefined ? { change, since } : { change });
  }

  // ---- decision log and incident reports (approve) ----

  /** A tenant's recorded checks, oldest first, filtered (at most `limit`, default 1000). */
  async decisions(tenant: string, filter: DecisionFilterView = {}): Promise<DecisionListView> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    return this.request("GET", this.tenantPath(tenant, `decisions${query.size ? `?${query}` : ""}`));
  }

  /**
   * Who gained and who lost access through a change (or between two revisions), per tenant,
   * and which of those accesses were used or denied while it was live.
   */
  async incidentReport(
    selector: { change: number } | { fromRevision: number; toRevision: number },
  ): Promise<IncidentReportView> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(selector)) query.set(key, String(value));
    return this.request("GET", `/v1/incident-report?${query}`);
  }
}

/** Which plan rows: a side, exact tenant and resource type, and text the fields contain; a page. */
export interface PlanRowQuery {
  /** The planId being read: refused (409) once the change is planned again. */
  readonly plan?: string;
  /** The rows of userset subjects (`group:eng#member`) instead of the plain rows. */
  readonly usersets?: boolean;
  readonly change?: "gained" | "lost";
  readonly tenant?: string;
  readonly resourceType?: string;
  readonly subject?: string;
  readonly resource?: string;
  readonly permission?: string;
  readonly offset?: number;
  readonly limit?: number;
}

/** `?a=1&b=2` of the fields given, or "" when none is. */
function queryText(fields: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined && value !== "") query.set(key, String(value));
  return query.size ? `?${query}` : "";
}

export interface DecisionFilterView {
  readonly resource?: string;
  readonly permission?: string;
  readonly subject?: string;
  readonly result?: "allowed" | "denied";
  /** Which schema answered: `version:N`, or `candidate:CHANGE_ID`. */
  readonly schema?: string;
  readonly since?: string;
  readonly until?: string;
  readonly fromRevision?: number;
  readonly toRevision?: number;
  readonly afterSeq?: number;
  readonly limit?: number;
}
