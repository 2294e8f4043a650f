import { parseChangeFile } from "../changes/change-file.js";
import { parseGuards } from "../changes/guards.js";
import {
  type ApiErrorBody,
  GatehouseApiError,
  GatehouseClient,
  GatehouseConnectionError,
} from "../client/client.js";
import type { CheckRequest } from "../engine/engine.js";
import { type ErrorKind, GatehouseError, type Place } from "../model/errors.js";
import { formatObject, formatRelationship, formatSubject } from "../model/relationship.js";
import { parseSchema } from "../schema/schema.js";
import type { Operations } from "../service/operations.js";
import { parseCheckLines } from "../service/tuple-lines.js";
import type { ChangeSummaryView, GuardsView } from "../service/views/change.js";
import type { CheckBatchView } from "../service/views/query.js";
import type { NewTokenView, TokenView } from "../service/views/token.js";
import type { ServerTarget } from "./server-target.js";

/** The server refuses larger batches (`MAX_BATCH` of the HTTP API): bigger ones go in several requests. */
const BATCH_PER_REQUEST = 10_000;
/** Audit and change lists have no cursor: ask for as many as the server gives in one answer. */
const AUDIT_LIST_MAX = 10_000;
const CHANGE_LIST_MAX = 1_000;

const KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  "usage",
  "input",
  "not_found",
  "conflict",
  "refused",
  "unavailable",
  "limit",
  "internal",
]);

/**
 * The operations through the HTTP API with the typed client. What can be checked without the
 * server (a tuple, a change file, a schema's syntax) is checked here first, with the local
 * file's name, so that such a mistake reads as it does in local mode; the server's errors
 * become the same `GatehouseError`s (kind, place, details, facts), so exit codes match too.
 */
export class RemoteOperations implements Operations {
  readonly where: string;
  private readonly client: GatehouseClient;

  constructor(target: ServerTarget) {
    this.where = target.url;
    this.client = new GatehouseClient({ url: target.url, token: target.token });
  }

  /** Runs one request, translating its failure; `file` replaces the server's name for the input. */
  private async call<T>(run: () => Promise<T>, file?: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.translate(error, file);
    }
  }

  private translate(error: unknown, file: string | undefined): unknown {
    if (error instanceof GatehouseConnectionError) return new GatehouseError("unavailable", error.message);
    if (!(error instanceof GatehouseApiError)) return error;
    const body = error.body;
    if (error.status === 401)
      return new GatehouseError(
        "refused",
        `the server at ${this.where} did not accept the token (${body.message}): check --token, GATEHOUSE_TOKEN or the context (\`gatehouse context list\`)`,
      );
    if (error.status === 403)
      return new GatehouseError("refused", `the server at ${this.where} refused the token: ${body.message}`);
    return fromBody(body, kindOf(error.status, body.kind), file);
  }

  async readSchema() {
    const answer = await this.call(() => this.client.readSchema());
    if (answer.schema === null || answer.version === null || answer.revision === null) return null;
    return {
      schema: answer.schema,
      version: answer.version,
      revision: answer.revision,
      createdAt: answer.createdAt ?? "",
      author: answer.author,
    };
  }

  async writeSchema(text: string, options: { file: string; reason?: string | undefined }) {
    // Syntax and type errors placed in the local file; the server checks it against its data.
    const { compiled } = parseSchema(text, options.file);
    const written = await this.call(() => this.client.writeSchema(text, options.reason), options.file);
    return { ...written, warnings: compiled.warnings };
  }

  async writeRelationships(...[tenant, updates]: Parameters<Operations["writeRelationships"]>) {
    try {
      return await this.client.writeRelationships(
        tenant,
        updates.map((u) => ({ operation: u.operation, relationship: formatRelationship(u.relationship) })),
      );
    } catch (error) {
      // The API names the item of its list (`updates[0]`); a command line gave one relationship.
      const translated = this.translate(error, undefined);
      return updates.length === 1 && translated instanceof GatehouseError
        ? Promise.reject(withoutPlace(translated))
        : Promise.reject(translated);
    }
  }

  async deleteRelationships(...[tenant, filter, reason]: Parameters<Operations["deleteRelationships"]>) {
    const answer = await this.call(() =>
      this.client.deleteRelationships(tenant, {
        resource: filter.resource ?? "",
        ...(filter.relation !== undefined ? { relation: filter.relation } : {}),
        ...(filter.subject !== undefined ? { subject: filter.subject } : {}),
        ...(reason ? { reason } : {}),
      }),
    );
    return { revision: answer.revision, created: [], deleted: answer.deleted };
  }

  readRelationships(...[tenant, filter, page]: Parameters<Operations["readRelationships"]>) {
    return this.call(() =>
      this.client.readRelationships(tenant, {
        ...definedOnly(filter),
        ...(page.atRevision !== undefined ? { atRevision: page.atRevision } : {}),
        limit: page.limit,
        ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
      }),
    );
  }

  importRelationships(...[tenant, source, options]: Parameters<Operations["importRelationships"]>) {
    // Streamed as read, so the file is never held whole: the server names a bad line (in `body`,
    // which the translation puts back as the local file).
    return this.call(() => this.client.importRelationshipsFrom(tenant, source), options.file);
  }

  check(...[tenant, request, options]: Parameters<Operations["check"]>) {
    return this.call(() =>
      this.client.request<Awaited<ReturnType<Operations["check"]>>>("POST", tenantPath(tenant, "check"), {
        ...checkInput(request),
        ...(options.explain ? { explain: true } : {}),
        ...(options.atLeastRevision !== undefined ? { atLeastRevision: options.atLeastRevision } : {}),
      }),
    );
  }

  checkBatchText(...[tenant, text, file, options]: Parameters<Operations["checkBatchText"]>) {
    // Read here, so that a malformed line is named before any request; sent as lines again.
    const { requests, lines } = parseCheckLines(text, file);
    return this.checkBatch(tenant, requests, { ...options, placeOf: (i) => ({ file, line: lines[i]! }) });
  }

  async checkBatch(...[tenant, requests, options]: Parameters<Operations["checkBatch"]>) {
    // Every request after the first asks for the first one's revision or newer: a batch never
    // answers older than it began (one request, up to 10,000 checks, answers at one revision).
    let first: CheckBatchView | undefined;
    const results: boolean[] = [];
    let conditional: (string[] | null)[] | undefined;
    for (let start = 0; start === 0 || start < requests.length; start += BATCH_PER_REQUEST) {
      const slice = requests.slice(start, start + BATCH_PER_REQUEST);
      const atLeast = first?.revision ?? options.atLeastRevision;
      let answer: CheckBatchView;
      try {
        // As check lines (`/checks/text`, cheaper for the server to read than JSON), one a line,
        // so that a refused line N is the slice's check N - 1; checks with caveat context, which
        // a line cannot carry, as JSON.
        answer = slice.some((request) => request.context !== undefined)
          ? await this.client.request<CheckBatchView>("POST", tenantPath(tenant, "checks"), {
              checks: slice.map(checkInput),
              ...(atLeast !== undefined ? { atLeastRevision: atLeast } : {}),
            })
          : await this.client.checkLines(tenant, slice.map(checkLine), { atLeastRevision: atLeast });
      } catch (error) {
        throw placeBatch(this.translate(error, undefined), start, options.placeOf);
      }
      first ??= answer;
      // Conditional answers kept in order across slices (a slice without any has none listed).
      if (answer.conditional !== undefined) {
        conditional ??= new Array<string[] | null>(results.length).fill(null);
        conditional.push(...answer.conditional);
      } else conditional?.push(...new Array<null>(answer.results.length).fill(null));
      results.push(...answer.results);
    }
    return {
      results,
      ...(conditional !== undefined ? { conditional } : {}),
      revision: first?.revision ?? 0,
      schema: first?.schema ?? { version: 0 },
    };
  }

  lookupResources(
    ...[tenant, type, permission, subject, options]: Parameters<Operations["lookupResources"]>
  ) {
    return this.call(() =>
      this.client.request<Awaited<ReturnType<Operations["lookupResources"]>>>(
        "POST",
        tenantPath(tenant, "lookup-resources"),
        {
          resourceType: type,
          permission,
          subject: formatSubject(subject),
          ...(options.context !== undefined ? { context: options.context } : {}),
          ...pageBody(options),
        },
      ),
    );
  }

  lookupSubjects(
    ...[tenant, resource, permission, type, relation, options]: Parameters<Operations["lookupSubjects"]>
  ) {
    return this.call(() =>
      this.client.request<Awaited<ReturnType<Operations["lookupSubjects"]>>>(
        "POST",
        tenantPath(tenant, "lookup-subjects"),
        {
          resource: formatObject(resource),
          permission,
          subjectType: type,
          ...(relation !== undefined ? { subjectRelation: relation } : {}),
          ...(options.context !== undefined ? { context: options.context } : {}),
          ...pageBody(options),
        },
      ),
    );
  }

  proposeChange(tenant: string, text: string, file: string) {
    // The change file's own `tenant:` wins, as in local mode; the server wants it in the path.
    const parsed = parseChangeFile(text, file);
    return this.call(() => this.client.proposeChange(parsed.tenant ?? tenant, text), file);
  }

  async planChange(id: number) {
    const plan = await this.call(() => this.client.planChange(id));
    const detail = await this.call(() => this.client.getChange(id));
    return { plan, reason: detail.reason };
  }

  async approveChange(id: number, options: { plan?: string; comment?: string }) {
    // The HTTP API approves only a named plan: a bare approve names the newest, as local mode
    // approves it. With no plan yet the server refuses the state first, as local mode does.
    const plan =
      options.plan ??
      ((await this.call(() => this.client.getChange(id))).plan?.planId as string | undefined) ??
      "none";
    const approval = await this.call(() => this.client.approveChange(id, plan, options.comment));
    return { approval, by: approval.approvals.by.at(-1) ?? "" };
  }

  async withdrawChange(id: number, reason?: string) {
    const change = await this.call(() => this.client.withdrawChange(id, reason));
    return { change, by: await this.lastActor(id) };
  }

  async rejectChange(id: number, reason: string) {
    const change = await this.call(() => this.client.rejectChange(id, reason));
    return { change, by: await this.lastActor(id) };
  }

  /** Who made a change's newest act: the token's principal, which only the server knows. */
  private async lastActor(id: number): Promise<string> {
    return (await this.call(() => this.client.getChange(id))).history.at(-1)?.actor ?? "";
  }

  applyChange(id: number) {
    return this.call(() => this.client.applyChange(id));
  }

  async revertChange(id: number, reason?: string) {
    const revert = await this.call(() => this.client.revertChange(id, reason));
    const appliedRevision = revert.applied
      ? (await this.call(() => this.client.getChange(revert.id))).appliedRevision
      : null;
    return { revert, appliedRevision };
  }

  async listChanges(filter: { tenant?: string; state?: string }) {
    const query = new URLSearchParams({ ...filter, limit: String(CHANGE_LIST_MAX) });
    return (
      await this.call(() =>
        this.client.request<{ changes: Awaited<ReturnType<Operations["listChanges"]>> }>(
          "GET",
          `/v1/changes?${query}`,
        ),
      )
    ).changes;
  }

  showChange(id: number) {
    return this.call(() => this.client.getChange(id));
  }

  async listAudit(filter: Parameters<Operations["listAudit"]>[0]) {
    const { target: _target, ...rest } = filter;
    return (await this.call(() => this.client.listAudit({ limit: AUDIT_LIST_MAX, ...rest }))).records;
  }

  verifyAudit() {
    return this.call(() => this.client.verifyAudit());
  }

  async proposeLifecycle(
    ...[operation, scope, tenant, target, options]: Parameters<Operations["proposeLifecycle"]>
  ) {
    // A purge's export bundle is written where the server runs, in its --export-dir.
    const reason = options.reason || undefined;
    const client = this.client;
    const proposal = await this.call(() => {
      if (scope === "tenant") {
        return operation === "delete"
          ? client.deleteTenant(target, reason)
          : operation === "restore"
            ? client.restoreTenant(target, reason)
            : client.purgeTenant(target, reason);
      }
      return operation === "delete"
        ? client.deleteSubject(tenant, target, reason)
        : operation === "restore"
          ? client.restoreSubject(tenant, target, reason)
          : client.purgeSubject(tenant, target, reason);
    });
    const writes =
      operation === "restore"
        ? ((await this.call(() => client.getChange(proposal.id))).spec.writes as unknown[]).length
        : 0;
    return { proposal, writes };
  }

  mergeSubjects(tenant: string, from: string, into: string, reason?: string) {
    return this.call(() => this.client.mergeSubject(tenant, from, into, reason));
  }

  retention() {
    return this.call(() => this.client.retention());
  }

  setRetention(days: number, reason?: string) {
    return this.call(() => this.client.setRetention(days, reason));
  }

  collectExpired(reason?: string) {
    return this.call(() => this.client.collectExpired(reason));
  }

  async proposeRestore(...[tenant, toRevision, filter, reason]: Parameters<Operations["proposeRestore"]>) {
    const change = await this.call(() =>
      this.client.request<ChangeSummaryView>("POST", tenantPath(tenant, "restore"), {
        toRevision,
        ...definedOnly(filter),
        ...(reason ? { reason } : {}),
      }),
    );
    const spec = (await this.call(() => this.client.getChange(change.id))).spec as {
      writes: unknown[];
      deletes: unknown[];
    };
    return { change, writes: spec.writes.length, deletes: spec.deletes.length };
  }

  showRevision(revision: number) {
    return this.call(() => this.client.getRevision(revision));
  }

  async listRevisions(filter: Parameters<Operations["listRevisions"]>[0]) {
    return (await this.call(() => this.client.listRevisions(definedOnly(filter)))).revisions;
  }

  readGuards() {
    return this.call(() => this.client.request<GuardsView>("GET", "/v1/guards"));
  }

  writeGuards(text: string, file: string) {
    parseGuards(text, file); // a mistake is placed in the local file, before sending
    return this.call(
      () => this.client.request<{ version: number }>("PUT", "/v1/guards", { guards: text }),
      file,
    );
  }

  createToken(input: Parameters<Operations["createToken"]>[0]) {
    return this.call(() =>
      this.client.request<NewTokenView>("POST", "/v1/tokens", {
        name: input.name,
        role: input.role,
        ...(input.tenants ? { tenants: input.tenants } : {}),
      }),
    );
  }

  async listTokens() {
    return (await this.call(() => this.client.request<{ tokens: TokenView[] }>("GET", "/v1/tokens"))).tokens;
  }

  revokeToken(name: string) {
    return this.call(() =>
      this.client.request<TokenView>("DELETE", `/v1/tokens/${encodeURIComponent(name)}`),
    );
  }

  async close(): Promise<void> {
    // Nothing is held open: every request is its own.
  }
}

function tenantPath(tenant: string, rest: string): string {
  return `/v1/tenants/${encodeURIComponent(tenant)}/${rest}`;
}

/** A check as the API takes it; no spread object per check, as a batch sends 10,000 a request. */
function checkInput(request: CheckRequest) {
  const resource = formatObject(request.resource);
  const { permission, context } = request;
  const subject = formatSubject(request.subject);
  return context !== undefined
    ? { resource, permission, subject, context }
    : { resource, permission, subject };
}

function checkLine(request: CheckRequest): string {
  return `${formatObject(request.resource)}#${request.permission}@${formatSubject(request.subject)}`;
}

function pageBody(options: { atLeastRevision?: number | undefined; limit: number; cursor?: string }) {
  return {
    limit: options.limit,
    ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    ...(options.atLeastRevision !== undefined ? { atLeastRevision: options.atLeastRevision } : {}),
  };
}

function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

/** The error kind of an answer: the server's own when it is one of ours, else by status. */
function kindOf(status: number, kind: string): ErrorKind {
  if (KINDS.has(kind)) return kind as ErrorKind;
  if (status === 413 || status === 429) return "limit";
  if (status === 404) return "not_found";
  if (status === 503) return "unavailable";
  return status < 500 ? "input" : "internal";
}

function fromBody(body: ApiErrorBody, kind: ErrorKind, file: string | undefined): GatehouseError {
  const details = Array.isArray(body.details)
    ? body.details.map((d) => {
        const one = d as ApiErrorBody;
        return new GatehouseError(kindOf(0, one.kind), one.message, placeIn(one.place, file));
      })
    : [];
  return new GatehouseError(kind, body.message, placeIn(body.place, file), details, body.facts);
}

/** A server's place, with the server's name for the sent input replaced by the local file's. */
function placeIn(place: unknown, file: string | undefined): Place | undefined {
  if (place === null || typeof place !== "object") return undefined;
  const p = place as Place;
  return file !== undefined && p.file !== undefined ? { ...p, file } : p;
}

/** A batch's errors placed at the lines of its file, as local mode places them (either route). */
function placeBatch(error: unknown, offset: number, placeOf: (index: number) => Place): unknown {
  if (!(error instanceof GatehouseError)) return error;
  const at = (e: GatehouseError): GatehouseError => {
    // `checks[N]` of the JSON route, or line N + 1 of the text route's body.
    const line = e.place?.file === "body" ? e.place.line : undefined;
    const index = line !== undefined ? String(line - 1) : /^checks\[(\d+)\]/.exec(e.place?.field ?? "")?.[1];
    return index === undefined
      ? e
      : new GatehouseError(
          e.kind,
          e.message,
          placeOf(offset + Number(index)),
          e.details.map(at),
          e.facts,
          e.reason,
        );
  };
  return at(error);
}

function withoutPlace(error: GatehouseError): GatehouseError {
  return new GatehouseError(
    error.kind,
    error.message,
    undefined,
    error.details.map(withoutPlace),
    error.facts,
  );
}
