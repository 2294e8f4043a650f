import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliResult, gatehouse, workspace } from "./cli.js";
import type { Outcome } from "./drill-driver.js";
import { type RunningServer, startServer } from "./server.js";

/**
 * Drill 001 runs the subject lifecycle through the CLI and through HTTP. A driver speaks one
 * surface; its clock can be moved (GATEHOUSE_NOW for the CLI, the server's clock for HTTP) so
 * that a purge after the retention window can be rehearsed.
 */
export interface LifecycleDriver {
  readonly name: string;
  /** Where purge export bundles go. */
  readonly exportDir: string;
  /** Moves the clock to an ISO time; undefined for the real clock. */
  setNow(iso: string | undefined): void;
  setup(schema: string, data: Record<string, readonly string[]>): Promise<void>;
  lifecycle(
    operation: "delete" | "restore" | "purge",
    scope: "subject" | "tenant",
    tenant: string,
    target: string,
    actor: string,
  ): Promise<Outcome>;
  merge(tenant: string, from: string, into: string, actor: string): Promise<Outcome>;
  plan(id: number, actor: string): Promise<Outcome>;
  approve(id: number, actor: string): Promise<Outcome>;
  apply(id: number, actor: string): Promise<Outcome>;
  checks(tenant: string, queries: readonly string[]): Promise<boolean[]>;
  /** Relationships of a resource type live at a past revision, in tuple syntax. */
  readAt(tenant: string, resourceType: string, revision: number): Promise<string[]>;
  retention(days?: number): Promise<Outcome>;
  audit(action: string): Promise<any[]>;
  /** The HTTP status or the CLI exit code of the last failure, to assert how it failed. */
  readonly lastCode: () => number;
  close(): Promise<void>;
}

export function cliLifecycleDriver(): LifecycleDriver {
  const ws = workspace();
  const exportDir = join(ws.dir, "exports");
  let now: string | undefined;
  let code = 0;
  const run = (args: string[], input?: string): CliResult => {
    const result = gatehouse(["--store", ws.store, ...args], {
      env: now ? { GATEHOUSE_NOW: now } : { GATEHOUSE_NOW: "" },
      ...(input !== undefined ? { input } : {}),
    });
    code = result.code;
    return result;
  };
  const outcome = (r: CliResult): Outcome => {
    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
    return { ok: r.code === 0, json, text: `${r.stdout}${r.stderr}` };
  };
  const must = (r: CliResult) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
    return r;
  };
  return {
    name: "CLI",
    exportDir,
    setNow(iso) {
      now = iso;
    },
    async setup(schema, data) {
      must(run(["schema", "write", ws.file("schema.zed", schema)]));
      for (const [tenant, lines] of Object.entries(data))
        must(run(["--tenant", tenant, "import", ws.file(`${tenant}.txt`, lines.join("\n"))]));
    },
    lifecycle: async (operation, scope, tenant, target, actor) =>
      outcome(
        run([
          "--json",
          "--tenant",
          tenant,
          "--as",
          actor,
          scope,
          operation,
          target,
          ...(operation === "purge" ? ["--export-dir", exportDir] : []),
        ]),
      ),
    merge: async (tenant, from, into, actor) =>
      outcome(run(["--json", "--tenant", tenant, "--as", actor, "subject", "merge", from, into])),
    plan: async (id, actor) => outcome(run(["--json", "--as", actor, "change", "plan", String(id)])),
    approve: async (id, actor) => outcome(run(["--json", "--as", actor, "change", "approve", String(id)])),
    apply: async (id, actor) => outcome(run(["--json", "--as", actor, "change", "apply", String(id)])),
    async checks(tenant, queries) {
      return must(run(["--tenant", tenant, "permission", "check", "--batch", "-"], queries.join("\n")))
        .stdout.trimEnd()
        .split("\n")
        .map((line) => line === "true");
    },
    async readAt(tenant, resourceType, revision) {
      const out = must(
        run([
          "--json",
          "--tenant",
          tenant,
          "relationship",
          "read",
          resourceType,
          "--at-revision",
          String(revision),
        ]),
      ).stdout;
      return (JSON.parse(out) as { relationship: string }[]).map((r) => r.relationship);
    },
    retention: async (days) =>
      outcome(
        days === undefined
          ? run(["--json", "retention", "show"])
          : run(["--json", "--as", "admin", "retention", "set", "--days", String(days)]),
      ),
    async audit(action) {
      return JSON.parse(must(run(["--json", "audit", "list", "--action", action])).stdout);
    },
    lastCode: () => code,
    async close() {},
  };
}

export async function httpLifecycleDriver(
  store = ":memory:",
  onClose?: () => Promise<void> | undefined,
): Promise<LifecycleDriver> {
  let now: string | undefined;
  const exportDir = join(mkdtempSync(join(tmpdir(), "gatehouse-exports-")), "exports");
  const s: RunningServer = await startServer(
    store,
    { exportDir },
    { now: () => (now ? new Date(now) : new Date()) },
  );
  const admin = await s.token("root", "admin");
  const tokens = new Map<string, string>();
  const tokenOf = async (actor: string) => {
    let token = tokens.get(actor);
    if (!token) {
      token = await s.token(actor, "approve");
      tokens.set(actor, token);
    }
    return token;
  };
  let code = 0;
  const outcome = (r: { status: number; body: any }): Outcome => {
    code = r.status;
    return { ok: r.status < 300, json: r.body, text: JSON.stringify(r.body) };
  };
  const must = (r: { status: number; body: any }) => {
    if (r.status >= 300) throw new Error(`${r.status}: ${JSON.stringify(r.body)}`);
    return r;
  };
  return {
    name: "HTTP",
    exportDir,
    setNow(iso) {
      now = iso;
    },
    async setup(schema, data) {
      must(await s.call("PUT", "/v1/schema", { token: admin, body: { schema } }));
      for (const [tenant, lines] of Object.entries(data))
        must(
          await s.call("POST", `/v1/tenants/${tenant}/import`, {
            token: admin,
            body: { relationships: lines.join("\n") },
          }),
        );
    },
    async lifecycle(operation, scope, tenant, target, actor) {
      const path =
        scope === "subject"
          ? `/v1/tenants/${tenant}/subjects/${operation}`
          : `/v1/tenants/${target}/lifecycle/${operation}`;
      return outcome(
        await s.call("POST", path, {
          token: await tokenOf(actor),
          body: scope === "subject" ? { subject: target } : {},
        }),
      );
    },
    merge: async (tenant, from, into, actor) =>
      outcome(
        await s.call("POST", `/v1/tenants/${tenant}/subjects/merge`, {
          token: await tokenOf(actor),
          body: { from, into },
        }),
      ),
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
    async checks(tenant, queries) {
      const checks = queries.map((q) => {
        const [resource, rest] = q.split("#") as [string, string];
        const [permission, subject] = rest.split("@") as [string, string];
        return { resource, permission, subject };
      });
      return must(await s.call("POST", `/v1/tenants/${tenant}/checks`, { token: admin, body: { checks } }))
        .body.results;
    },
    async readAt(tenant, resourceType, revision) {
      const { body } = must(
        await s.call(
          "GET",
          `/v1/tenants/${tenant}/relationships?resource=${resourceType}&atRevision=${revision}`,
          {
            token: admin,
          },
        ),
      );
      return (body.relationships as { relationship: string }[]).map((r) => r.relationship);
    },
    retention: async (days) =>
      outcome(
        days === undefined
          ? await s.call("GET", "/v1/retention", { token: admin })
          : await s.call("PUT", "/v1/retention", { token: admin, body: { days } }),
      ),
    async audit(action) {
      return must(await s.call("GET", `/v1/audit?action=${action}`, { token: admin })).body.records;
    },
    lastCode: () => code,
    async close() {
      await s.close();
      await onClose?.();
    },
  };
}
