import { type CliResult, gatehouse, workspace } from "./cli.js";
import { type RunningServer, startServer } from "./server.js";

/**
 * The drills run the same story through each surface a user has: the `gatehouse` command, and
 * the HTTP API of a real server. A driver speaks one of them.
 */
export interface Outcome {
  /** Whether the surface reported success (exit 0, or HTTP 2xx). */
  readonly ok: boolean;
  /** The JSON the surface returned (the CLI's `--json` output, or the response body). */
  readonly json: any;
  /** The human-readable error or output, for messages. */
  readonly text: string;
}

/** What a `schema write` came to: live at once, or held back by its plan as a change. */
export interface SchemaWriteOutcome extends Outcome {
  /** Held back by its plan (CLI exit 6, HTTP 409 `refused`). */
  readonly heldBack: boolean;
  /** The change it went through, or was held back as; `undefined` when none. */
  readonly change: number | undefined;
}

export interface DrillDriver {
  readonly name: string;
  writeSchema(text: string): Promise<void>;
  /**
   * A schema write as a user types it (`gatehouse --as ACTOR schema write FILE`, or `PUT
   * /v1/schema` with ACTOR's own admin token), which may be held back by its plan.
   */
  schemaWrite(text: string, actor: string): Promise<SchemaWriteOutcome>;
  importData(tenant: string, lines: readonly string[]): Promise<void>;
  writeGuards(text: string): Promise<void>;
  propose(tenant: string, changeFile: string, actor: string): Promise<number>;
  plan(id: number, actor: string): Promise<Outcome>;
  approve(id: number, actor: string): Promise<Outcome>;
  apply(id: number, actor: string): Promise<Outcome>;
  revert(id: number, actor: string): Promise<Outcome>;
  show(id: number): Promise<Outcome>;
  checks(tenant: string, queries: readonly string[]): Promise<boolean[]>;
  /** One check, the way a single request is made (`permission check`, `POST .../check`). */
  check(tenant: string, query: string): Promise<boolean>;
  /** The incident report as JSON (`incident report --json`, `GET /v1/incident-report`). */
  incidentReport(selector: IncidentSelector): Promise<Outcome>;
  /** The decision log of a tenant, as JSON records (`decisions list`, `GET .../decisions`). */
  decisions(tenant: string, filter?: Record<string, string | number>): Promise<Outcome>;
  readSchema(): Promise<string>;
  /**
   * A direct delete of every relationship a filter selects, as a person would type it
   * (`relationship bulk-delete`, `POST .../relationships/delete`), not a change.
   */
  bulkDelete(
    tenant: string,
    filter: { resource: string; relation?: string; subject?: string },
    actor: string,
  ): Promise<Outcome>;
  /** A direct delete of one relationship (`relationship delete`, `POST .../relationships`). */
  deleteRelationship(tenant: string, tuple: string, actor: string): Promise<Outcome>;
  /** Who made a revision (`revision show --json`, `GET /v1/revisions/:r`). */
  revision(revision: number): Promise<Outcome>;
  /** Revisions by an actor, newest first (`revision list --actor`, `GET /v1/revisions?actor=`). */
  revisionsBy(actor: string): Promise<Outcome>;
  close(): Promise<void>;
}

export type IncidentSelector = { change: number } | { fromRevision: number; toRevision: number };

/** `resource#permission@subject` as its three parts. */
function splitQuery(q: string): { resource: string; permission: string; subject: string } {
  const [resource, rest] = q.split("#") as [string, string];
  const at = rest.indexOf("@");
  return { resource, permission: rest.slice(0, at), subject: rest.slice(at + 1) };
}

function fromCli(result: CliResult): Outcome {
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { ok: result.code === 0, json, text: `${result.stdout}${result.stderr}` };
}

export function cliDriver(): DrillDriver {
  const ws = workspace();
  const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);
  const must = (r: CliResult) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
    return r;
  };
  let files = 0;
  const file = (text: string) => ws.file(`f${files++}.txt`, text);
  return {
    name: "CLI",
    async writeSchema(text) {
      must(run("schema", "write", file(text)));
    },
    async schemaWrite(text, actor) {
      const r = run("--as", actor, "schema", "write", file(text));
      // Held back: the change's id is the first line, as `change propose` prints it.
      const through = /through change (\d+)/.exec(r.stdout)?.[1];
      const change = r.code === 6 ? Number(r.stdout.split("\n")[0]) : through ? Number(through) : undefined;
      return { ...fromCli(r), heldBack: r.code === 6, change };
    },
    async importData(tenant, lines) {
      must(run("--tenant", tenant, "import", file(lines.join("\n"))));
    },
    async writeGuards(text) {
      must(run("--as", "security", "guards", "write", file(text)));
    },
    async propose(tenant, changeFile, actor) {
      return Number(
        must(run("--tenant", tenant, "--as", actor, "change", "propose", file(changeFile))).stdout.split(
          "\n",
        )[0],
      );
    },
    plan: async (id, actor) => fromCli(run("--json", "--as", actor, "change", "plan", String(id))),
    approve: async (id, actor) => fromCli(run("--json", "--as", actor, "change", "approve", String(id))),
    apply: async (id, actor) => fromCli(run("--json", "--as", actor, "change", "apply", String(id))),
    revert: async (id, actor) => fromCli(run("--json", "--as", actor, "change", "revert", String(id))),
    show: async (id) => fromCli(run("--json", "change", "show", String(id))),
    async checks(tenant, queries) {
      const out = must(
        gatehouse(["--store", ws.store, "--tenant", tenant, "permission", "check", "--batch", "-"], {
          input: queries.join("\n"),
        }),
      ).stdout;
      return out
        .trimEnd()
        .split("\n")
        .map((line) => line === "true");
    },
    async check(tenant, query) {
      const { resource, permission, subject } = splitQuery(query);
      return (
        must(run("--tenant", tenant, "permission", "check", resource, permission, subject)).stdout.trim() ===
        "true"
      );
    },
    incidentReport: async (selector) =>
      fromCli(
        "change" in selector
          ? run("--json", "incident", "report", "--change", String(selector.change))
          : run(
              "--json",
              "incident",
              "report",
              "--from-revision",
              String(selector.fromRevision),
              "--to-revision",
              String(selector.toRevision),
            ),
      ),
    async decisions(tenant, filter = {}) {
      const flags = Object.entries(filter).flatMap(([key, value]) => [
        `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        String(value),
      ]);
      return fromCli(run("--json", "--tenant", tenant, "decisions", "list", ...flags));
    },
    async readSchema() {
      return must(run("schema", "read")).stdout;
    },
    bulkDelete: async (tenant, filter, actor) =>
      fromCli(
        run(
          "--json",
          "--tenant",
          tenant,
          "--as",
          actor,
          "relationship",
          "bulk-delete",
          filter.resource,
          ...(filter.relation !== undefined ? [filter.relation] : []),
          ...(filter.subject !== undefined ? [filter.subject] : []),
        ),
      ),
    async deleteRelationship(tenant, tuple, actor) {
      const [resource, rest] = tuple.split("#") as [string, string];
      const at = rest.indexOf("@");
      return fromCli(
        run(
          "--json",
          "--tenant",
          tenant,
          "--as",
          actor,
          "relationship",
          "delete",
          resource,
          rest.slice(0, at),
          rest.slice(at + 1),
        ),
      );
    },
    revision: async (revision) => fromCli(run("--json", "revision", "show", String(revision))),
    revisionsBy: async (actor) => fromCli(run("--json", "revision", "list", "--actor", actor)),
    async close() {},
  };
}

export async function httpDriver(
  store = ":memory:",
  onClose?: () => Promise<void> | undefined,
): Promise<DrillDriver> {
  const s: RunningServer = await startServer(store);
  const admin = await s.token("root", "admin");
  const tokens = new Map<string, string>();
  // Every person in a drill gets a token of their own: the token's name is the principal.
  const tokenOf = async (actor: string) => {
    let token = tokens.get(actor);
    if (!token) {
      token = await s.token(actor, "approve");
      tokens.set(actor, token);
    }
    return token;
  };
  const outcome = (r: { status: number; body: any }): Outcome => ({
    ok: r.status < 300,
    json: r.status < 300 ? r.body : r.body,
    text: JSON.stringify(r.body),
  });
  const must = (r: { status: number; body: any }) => {
    if (r.status >= 300) throw new Error(`${r.status}: ${JSON.stringify(r.body)}`);
    return r;
  };
  return {
    name: "HTTP",
    async writeSchema(text) {
      must(await s.call("PUT", "/v1/schema", { token: admin, body: { schema: text } }));
    },
    async schemaWrite(text, actor) {
      // Writing a schema needs an admin token: the actor gets one of their own (if they have
      // none yet), so that the change it becomes names them.
      if (!tokens.has(actor)) tokens.set(actor, await s.token(actor, "admin"));
      const r = await s.call("PUT", "/v1/schema", { token: tokens.get(actor)!, body: { schema: text } });
      const heldBack = r.status === 409 && r.body.error?.kind === "refused";
      const change = heldBack
        ? r.body.error.facts?.change
        : r.status < 300
          ? (r.body.change ?? undefined)
          : undefined;
      return { ...outcome(r), heldBack, change };
    },
    async importData(tenant, lines) {
      must(
        await s.call("POST", `/v1/tenants/${tenant}/import`, {
          token: admin,
          body: { relationships: lines.join("\n") },
        }),
      );
    },
    async writeGuards(text) {
      must(await s.call("PUT", "/v1/guards", { token: admin, body: { guards: text } }));
    },
    async propose(tenant, changeFile, actor) {
      return must(
        await s.call("POST", `/v1/tenants/${tenant}/changes`, {
          token: await tokenOf(actor),
          body: { file: changeFile },
        }),
      ).body.id;
    },
    plan: async (id, actor) =>
      outcome(await s.call("POST", `/v1/changes/${id}/plan`, { token: await tokenOf(actor) })),
    // As the console does: the approval names the plan the reviewer was shown.
    approve: async (id, actor) => {
      const token = await tokenOf(actor);
      const shown = await s.call("GET", `/v1/changes/${id}`, { token });
      const plan = shown.body.plan?.planId ?? "none";
      return outcome(await s.call("POST", `/v1/changes/${id}/approve`, { token, body: { plan } }));
    },
    apply: async (id, actor) =>
      outcome(await s.call("POST", `/v1/changes/${id}/apply`, { token: await tokenOf(actor) })),
    revert: async (id, actor) =>
      outcome(await s.call("POST", `/v1/changes/${id}/revert`, { token: await tokenOf(actor), body: {} })),
    show: async (id) => outcome(await s.call("GET", `/v1/changes/${id}`, { token: admin })),
    async checks(tenant, queries) {
      const checks = queries.map(splitQuery);
      return must(await s.call("POST", `/v1/tenants/${tenant}/checks`, { token: admin, body: { checks } }))
        .body.results;
    },
    async check(tenant, query) {
      return must(
        await s.call("POST", `/v1/tenants/${tenant}/check`, { token: admin, body: splitQuery(query) }),
      ).body.allowed;
    },
    async incidentReport(selector) {
      const query = new URLSearchParams(
        Object.entries(selector).map(([k, v]): [string, string] => [k, String(v)]),
      );
      return outcome(
        await s.call("GET", `/v1/incident-report?${query}`, { token: await tokenOf("auditor") }),
      );
    },
    async decisions(tenant, filter = {}) {
      const query = new URLSearchParams(
        Object.entries(filter).map(([k, v]): [string, string] => [k, String(v)]),
      );
      const r = await s.call("GET", `/v1/tenants/${tenant}/decisions?${query}`, {
        token: await tokenOf("auditor"),
      });
      return { ...outcome(r), json: r.status < 300 ? r.body.decisions : r.body };
    },
    async readSchema() {
      return must(await s.call("GET", "/v1/schema", { token: admin })).body.schema;
    },
    // A person's direct writes go with their own token (role approve, which may write).
    bulkDelete: async (tenant, filter, actor) =>
      outcome(
        await s.call("POST", `/v1/tenants/${tenant}/relationships/delete`, {
          token: await tokenOf(actor),
          body: filter,
        }),
      ),
    deleteRelationship: async (tenant, tuple, actor) =>
      outcome(
        await s.call("POST", `/v1/tenants/${tenant}/relationships`, {
          token: await tokenOf(actor),
          body: { updates: [{ operation: "delete", relationship: tuple }] },
        }),
      ),
    revision: async (revision) => outcome(await s.call("GET", `/v1/revisions/${revision}`, { token: admin })),
    async revisionsBy(actor) {
      const r = await s.call("GET", `/v1/revisions?actor=${encodeURIComponent(actor)}`, { token: admin });
      return { ...outcome(r), json: r.status < 300 ? r.body.revisions : r.body };
    },
    async close() {
      await s.close();
      await onClose?.();
    },
  };
}
