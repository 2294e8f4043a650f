import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}`;

/** Every API route, from the server's own OpenAPI document, with a concrete path. */
async function routes(s: RunningServer): Promise<Array<{ method: string; path: string }>> {
  const doc = (await s.call("GET", "/openapi.json")).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  const out: Array<{ method: string; path: string }> = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      out.push({
        method: method.toUpperCase(),
        path: path.replace("{tenant}", "acme").replace("{id}", "1").replace("{name}", "someone"),
      });
    }
  }
  return out;
}

describe("HTTP security", () => {
  let s: RunningServer;
  const logs = new PassThrough();
  let logText = "";
  logs.on("data", (chunk) => {
    logText += chunk.toString();
  });
  let admin: string;

  beforeAll(async () => {
    s = await startServer(":memory:", { logger: { level: "debug", stream: logs } });
    admin = await s.token("root", "admin");
    await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } });
    await s.call("POST", "/v1/tenants/acme/changes", {
      token: admin,
      body: { file: "intent: grant\nreason: r\nwrite:\n  - document:d#viewer@user:ann\n" },
    });
  });
  afterAll(() => s.close());

  it("every route without a token, or with a bad one, gets 401, and it is audited", async () => {
    const all = await routes(s);
    expect(all.length).toBeGreaterThan(15);
    for (const route of all) {
      const none = await s.call(route.method, route.path, { body: {} });
      expect(`${route.method} ${route.path}: ${none.status}`).toBe(`${route.method} ${route.path}: 401`);
      const bad = await s.call(route.method, route.path, { token: "gh_not-a-real-secret", body: {} });
      expect(`${route.method} ${route.path}: ${bad.status}`).toBe(`${route.method} ${route.path}: 401`);
    }
    const audit = (await s.call("GET", "/v1/audit?action=auth.missing", { token: admin })).body.records;
    expect(audit.length).toBe(all.length);
  });

  it("every route with a token of too small a role gets 403", async () => {
    const checker = await s.token("reader", "check");
    let denied = 0;
    for (const route of await routes(s)) {
      const response = await s.call(route.method, route.path, { token: checker, body: {} });
      // A `check` token may read; everything that writes needs more, and so do the audit log,
      // tokens, and the decision log and incident reports (they say who accessed what).
      const readOnly =
        route.method === "GET" &&
        !route.path.startsWith("/v1/tokens") &&
        !route.path.startsWith("/v1/audit") &&
        !route.path.endsWith("/decisions") &&
        !route.path.startsWith("/v1/incident-report");
      const readQuery = /\/(check|checks|explain|lookup-resources|lookup-subjects)$|\/v1\/validate$/.test(
        route.path,
      );
      if (readOnly || readQuery)
        expect(`${route.method} ${route.path}: ${response.status}`).not.toBe(
          `${route.method} ${route.path}: 403`,
        );
      else {
        expect(`${route.method} ${route.path}: ${response.status}`).toBe(
          `${route.method} ${route.path}: 403`,
        );
        denied++;
      }
    }
    expect(denied).toBeGreaterThan(10);
    expect(
      (await s.call("GET", "/v1/audit?action=auth.forbidden", { token: admin })).body.records.length,
    ).toBe(denied);
  });

  it("every tenant route with a token for another tenant gets 403", async () => {
    const other = await s.token("globex-admin", "admin", ["globex"]);
    for (const route of await routes(s)) {
      const tenantRoute = route.path.includes("/tenants/acme") || route.path.startsWith("/v1/changes/1");
      const storeWide =
        /^\/v1\/(schema|guards|tokens|audit|rollout|shadow|replay|retention)/.test(route.path) &&
        route.method !== "GET";
      if (!tenantRoute && !storeWide) continue;
      const response = await s.call(route.method, route.path, { token: other, body: {} });
      expect(`${route.method} ${route.path}: ${response.status}`).toBe(`${route.method} ${route.path}: 403`);
    }
  });

  it("an author cannot approve their own change", async () => {
    const lead = await s.token("lead", "approve");
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: lead,
      body: { file: "intent: grant\nreason: r\nwrite:\n  - document:e#viewer@user:bob\n" },
    });
    await s.call("POST", `/v1/changes/${proposed.body.id}/plan`, { token: lead });
    const own = await s.call("POST", `/v1/changes/${proposed.body.id}/approve`, { token: lead, body: {} });
    expect(own.status).toBe(409);
    expect(own.body.error.kind).toBe("refused");
    expect(own.body.error.message).toContain("cannot approve it");
  });

  it("a revoked token stops working", async () => {
    const temp = await s.token("temp", "check");
    expect((await s.call("GET", "/v1/schema", { token: temp })).status).toBe(200);
    expect((await s.call("DELETE", "/v1/tokens/temp", { token: admin })).status).toBe(200);
    expect((await s.call("GET", "/v1/schema", { token: temp })).status).toBe(401);
  });

  it("secrets never appear in the logs", async () => {
    const created = await s.call("POST", "/v1/tokens", {
      token: admin,
      body: { name: "fresh", role: "check" },
    });
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^gh_/);
    await s.call("GET", "/v1/schema", { token: secret });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logText.length).toBeGreaterThan(0);
    expect(logText).not.toContain(secret);
    expect(logText).not.toContain(admin);
  });
});

/**
 * Issue 17, item 1: a change with `schema:` reaches every tenant, so proposing, planning,
 * approving, applying and reverting one needs a store-wide token, and a tenant-limited token
 * never sees one (its plan lists other tenants' rows): `GET /v1/changes/:id` refuses it and
 * change lists leave it out.
 */
describe("HTTP security: changes with `schema:` need a store-wide token", () => {
  let s: RunningServer;
  let root: string;
  let lead: string;
  let acmeDev: string;
  let acmeLead: string;
  let acmeReader: string;
  const stricter = SCHEMA.replace("permission view = viewer", "permission view = nil");
  const indented = stricter.replace(/^/gm, "  ");

  beforeAll(async () => {
    s = await startServer();
    root = await s.token("root", "admin");
    lead = await s.token("lead", "approve");
    acmeDev = await s.token("acme-dev", "propose", ["acme"]);
    acmeLead = await s.token("acme-lead", "approve", ["acme"]);
    acmeReader = await s.token("acme-reader", "check", ["acme"]);
    await s.call("PUT", "/v1/schema", { token: root, body: { schema: SCHEMA } });
    for (const [tenant, user] of [
      ["acme", "ann"],
      ["globex", "gus"],
    ])
      await s.call("POST", `/v1/tenants/${tenant}/import`, {
        token: root,
        body: { relationships: `document:d#viewer@user:${user}` },
      });
  });
  afterAll(() => s.close());

  const globexCheck = async () =>
    (
      await s.call("POST", "/v1/tenants/globex/check", {
        token: root,
        body: { resource: "document:d", permission: "view", subject: "user:gus" },
      })
    ).body.allowed;

  it("a tenant-limited token cannot propose a change with `schema:`; nothing is stored", async () => {
    const before = (await s.call("GET", "/v1/changes", { token: root })).body.changes.length;
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: acmeDev,
      body: { file: `intent: model\nreason: r\nschema: |\n${indented}\n` },
    });
    expect(proposed.status).toBe(403);
    expect(proposed.body.error.message).toContain("needs an unlimited token");
    expect((await s.call("GET", "/v1/changes", { token: root })).body.changes.length).toBe(before);
    const audit = (await s.call("GET", "/v1/audit?action=auth.forbidden&actor=acme-dev", { token: root }))
      .body.records;
    expect(audit.length).toBeGreaterThan(0);
  });

  it("tenant-limited tokens can neither read, plan, approve, apply nor revert one; it takes nobody's access until store-wide tokens do", async () => {
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: root,
      body: { file: `intent: model\nreason: nobody views\nschema: |\n${indented}\n` },
    });
    expect(proposed.status).toBe(200);
    const id = proposed.body.id as number;
    const plan = await s.call("POST", `/v1/changes/${id}/plan`, { token: root });
    expect(plan.status).toBe(200);
    expect(JSON.stringify(plan.body)).toContain("globex");

    for (const token of [acmeReader, acmeDev, acmeLead]) {
      const shown = await s.call("GET", `/v1/changes/${id}`, { token });
      expect(shown.status).toBe(403);
      expect(JSON.stringify(shown.body)).not.toContain("gus");
      const listed = await s.call("GET", "/v1/changes", { token });
      expect(listed.status).toBe(200);
      expect(listed.body.changes.map((c: { id: number }) => c.id)).not.toContain(id);
      const acmeListed = await s.call("GET", "/v1/changes?tenant=acme", { token });
      expect(acmeListed.body.changes.map((c: { id: number }) => c.id)).not.toContain(id);
    }
    expect((await s.call("POST", `/v1/changes/${id}/plan`, { token: acmeDev })).status).toBe(403);
    expect((await s.call("POST", `/v1/changes/${id}/approve`, { token: acmeLead, body: {} })).status).toBe(
      403,
    );
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: acmeDev })).status).toBe(403);
    expect(await globexCheck()).toBe(true);
    expect((await s.call("GET", `/v1/changes/${id}`, { token: root })).body.approvals).toEqual([]);

    // Store-wide tokens take it through; the limited ones cannot revert it either.
    expect((await s.call("POST", `/v1/changes/${id}/approve`, { token: lead, body: {} })).status).toBe(200);
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: root })).status).toBe(200);
    expect(await globexCheck()).toBe(false);
    expect((await s.call("POST", `/v1/changes/${id}/revert`, { token: acmeDev, body: {} })).status).toBe(403);
    expect((await s.call("POST", `/v1/changes/${id}/revert`, { token: acmeLead, body: {} })).status).toBe(
      403,
    );
    expect((await s.call("GET", `/v1/changes/${id}`, { token: root })).body.state).toBe("applied");
  });

  it("tenant-limited tokens still see and act on their own tenant's data changes", async () => {
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: acmeDev,
      body: { file: "intent: grant\nreason: r\nwrite:\n  - document:e#viewer@user:ann\n" },
    });
    expect(proposed.status).toBe(200);
    const id = proposed.body.id as number;
    expect((await s.call("POST", `/v1/changes/${id}/plan`, { token: acmeDev })).status).toBe(200);
    expect((await s.call("GET", `/v1/changes/${id}`, { token: acmeReader })).status).toBe(200);
    const listed = await s.call("GET", "/v1/changes", { token: acmeReader });
    expect(listed.body.changes.map((c: { id: number }) => c.id)).toContain(id);
  });
});
