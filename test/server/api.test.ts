import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

// The API runs on both stores: SQLite (in memory) and PostgreSQL (a schema of its own).
const postgres = await postgresUrlForTest("api");
const stores: Array<[string, string, (() => Promise<void>) | undefined]> = [
  ["SQLite", ":memory:", undefined],
];
if (!postgres.skip) stores.push(["PostgreSQL", postgres.url!, () => postgres.drop!()]);

const SCHEMA = `definition user {}
definition group {
  relation member: user | group#member
}
definition document {
  relation viewer: user | group#member
  relation banned: user
  permission view = viewer - banned
}`;

describe.each(stores)("HTTP API on %s", (_name, store, drop) => {
  let s: RunningServer;
  let admin: string;
  let writer: string;

  beforeAll(async () => {
    s = await startServer(store);
    admin = await s.token("root", "admin");
    writer = await s.token("app", "write");
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } })).status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
    await drop?.();
  });

  it("writes, checks with read-your-writes, explains and looks up", async () => {
    const write = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: writer,
      body: {
        updates: [
          { operation: "create", relationship: "group:eng#member@user:ann" },
          { operation: "create", relationship: "document:readme#viewer@group:eng#member" },
        ],
      },
    });
    expect(write.status).toBe(200);
    const revision = write.body.revision;
    const check = await s.call("POST", "/v1/tenants/acme/check", {
      token: writer,
      body: {
        resource: "document:readme",
        permission: "view",
        subject: "user:ann",
        atLeastRevision: revision,
      },
    });
    expect(check.body).toEqual({ allowed: true, revision, schema: { version: 1 } });
    const batch = await s.call("POST", "/v1/tenants/acme/checks", {
      token: writer,
      body: {
        checks: [
          { resource: "document:readme", permission: "view", subject: "user:ann" },
          { resource: "document:readme", permission: "view", subject: "user:bob" },
        ],
      },
    });
    expect(batch.body.results).toEqual([true, false]);
    const explain = await s.call("POST", "/v1/tenants/acme/explain", {
      token: writer,
      body: { resource: "document:readme", permission: "view", subject: "user:ann" },
    });
    expect(explain.body.allowed).toBe(true);
    const resources = await s.call("POST", "/v1/tenants/acme/lookup-resources", {
      token: writer,
      body: { resourceType: "document", permission: "view", subject: "user:ann" },
    });
    expect(resources.body.resources).toEqual(["document:readme"]);
    const subjects = await s.call("POST", "/v1/tenants/acme/lookup-subjects", {
      token: writer,
      body: { resource: "document:readme", permission: "view", subjectType: "user" },
    });
    expect(subjects.body.subjects).toEqual([{ subject: "user:ann", excluded: [] }]);
    const read = await s.call("GET", "/v1/tenants/acme/relationships?resource=document", { token: writer });
    expect(read.body.relationships.map((r: { relationship: string }) => r.relationship)).toEqual([
      "document:readme#viewer@group:eng#member",
    ]);
    expect(
      (
        await s.call("POST", "/v1/tenants/other/check", {
          token: writer,
          body: { resource: "document:readme", permission: "view", subject: "user:ann" },
        })
      ).body.allowed,
    ).toBe(false);
  });

  it("answers bad input with a 400 naming the field, and writes nothing", async () => {
    const before = (await s.call("GET", "/readyz")).body.head;
    const bad = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: writer,
      body: {
        updates: [
          { operation: "create", relationship: "document:a#viewer@user:x" },
          { operation: "create", relationship: "document:b#viewer@usr:y" },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.kind).toBe("input");
    expect(bad.body.error.message).toContain(
      "unknown subject type `usr` in `document:b#viewer@usr:y`; the schema defines `user`, `group`, `document`",
    );
    expect(bad.body.error.place).toEqual({ field: "updates[1]" });
    // A check naming a type the schema lacks says which types it has.
    for (const [body, message, field] of [
      [
        { resource: "folder:a", permission: "view", subject: "user:ann" },
        "unknown resource type `folder`; the schema defines `user`, `group`, `document`",
        "resource",
      ],
      [
        { resource: "document:a", permission: "view", subject: "usr:ann" },
        "unknown subject type `usr`; the schema defines `user`, `group`, `document`",
        "subject",
      ],
    ] as const) {
      const unknown = await s.call("POST", "/v1/tenants/acme/check", { token: writer, body });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe(message);
      expect(unknown.body.error.place).toEqual({ field });
    }
    const malformed = await s.call("POST", "/v1/tenants/acme/check", {
      token: writer,
      body: { resource: "document", permission: "view", subject: "user:ann" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.place).toEqual({ field: "resource" });
    const missing = await s.call("POST", "/v1/tenants/acme/check", {
      token: writer,
      body: { resource: "document:a", subject: "user:ann" },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("permission");
    const extra = await s.call("POST", "/v1/tenants/acme/check", {
      token: writer,
      body: { resource: "document:a", permission: "view", subject: "user:ann", colour: "blue" },
    });
    expect(extra.status).toBe(400);
    const tenant = await s.call("POST", "/v1/tenants/Not%20A%20Tenant/check", {
      token: writer,
      body: { resource: "document:a", permission: "view", subject: "user:ann" },
    });
    expect(tenant.status).toBe(400);
    expect(tenant.body.error.message).toContain("invalid tenant name");
    // The tenant in the URL is named as the place, as a body's field would be.
    expect(tenant.body.error.field ?? tenant.body.error.place?.field).toBe("tenant");
    expect((await s.call("GET", "/readyz")).body.head).toBe(before);
  });

  it("runs the change lifecycle with principals from tokens", async () => {
    const dev = await s.token("dev", "propose");
    const lead = await s.token("lead", "approve");
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: dev,
      body: { file: "intent: revoke\nreason: ann moves team\ndelete:\n  - group:eng#member@user:ann\n" },
    });
    expect(proposed.status).toBe(200);
    const id = proposed.body.id;
    expect(proposed.body.author).toBe("dev");
    const plan = await s.call("POST", `/v1/changes/${id}/plan`, { token: dev });
    expect(plan.body.lost).toEqual([
      { tenant: "acme", resource: "document:readme", permission: "view", subject: "user:ann" },
    ]);
    expect(plan.body.blocked).toBe(true);
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: dev })).status).toBe(409);
    const own = await s.call("POST", `/v1/changes/${id}/approve`, {
      token: await s.token("dev2", "approve"),
      body: { plan: plan.body.planId },
    });
    expect(own.status).toBe(200);
    const approved = await s.call("POST", `/v1/changes/${id}/approve`, {
      token: lead,
      body: { plan: plan.body.planId, comment: "ok" },
    });
    expect(approved.body.blocked).toBe(false);
    const applied = await s.call("POST", `/v1/changes/${id}/apply`, { token: dev });
    expect(applied.status).toBe(200);
    const shown = await s.call("GET", `/v1/changes/${id}`, { token: dev });
    expect(shown.body.history.map((h: { action: string }) => h.action)).toContain("change.apply");
  });

  it("serves its OpenAPI document, health and metrics", async () => {
    const doc = await s.call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain("/v1/tenants/{tenant}/check");
    expect((await s.call("GET", "/healthz")).body).toEqual({ ok: true });
    expect((await s.call("GET", "/readyz")).body.ready).toBe(true);
    const metrics = await s.call("GET", "/metrics");
    expect(metrics.body).toContain("gatehouse_http_request_duration_seconds_bucket");
    expect(metrics.body).toMatch(/gatehouse_checks_total\{result="allowed"\} \d+/);
    expect((await s.call("GET", "/docs")).status).toBeLessThan(400);
  });
});
