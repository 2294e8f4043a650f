import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * The HTTP door: a write names the token's name as its actor, `http` as its door and the
 * request's id; `GET /v1/revisions` answers who made which write (role approve or admin, a
 * tenant-limited token sees its tenants only); the direct-writes guard refuses with 409.
 */
const SCHEMA = `definition user {}
definition folder {
  relation viewer: user | user:*
  permission view = viewer
}`;

describe("revisions over HTTP", () => {
  let s: RunningServer;
  let admin: string;
  let writer: string;
  let reviewer: string;
  let acmeReviewer: string;

  beforeAll(async () => {
    s = await startServer();
    admin = await s.token("root", "admin");
    writer = await s.token("app-backend", "write");
    reviewer = await s.token("reviewer", "approve");
    acmeReviewer = await s.token("acme-reviewer", "approve", ["acme"]);
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } })).status).toBe(200);
  });
  afterAll(() => s.close());

  const write = async (
    tenant: string,
    updates: Array<{ operation: string; relationship: string }>,
    requestId?: string,
  ) => {
    const response = await fetch(`${s.url}/v1/tenants/${tenant}/relationships`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${writer}`,
        "content-type": "application/json",
        ...(requestId ? { "x-request-id": requestId } : {}),
      },
      body: JSON.stringify({ updates }),
    });
    return {
      status: response.status,
      id: response.headers.get("x-request-id"),
      body: (await response.json()) as any,
    };
  };

  it("a write names the token, the door `http` and the request id; import and bulk delete too", async () => {
    const first = await write("acme", [
      { operation: "touch", relationship: "folder:handbook#viewer@user:ann" },
    ]);
    expect(first.status).toBe(200);
    const shown = await s.call("GET", `/v1/revisions/${first.body.revision}`, { token: reviewer });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      revision: first.body.revision,
      tenant: "acme",
      kind: "relationships",
      actor: "app-backend",
      door: "http",
      requestId: first.id,
      created: 1,
      deleted: 0,
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await write(
      "globex",
      [{ operation: "touch", relationship: "folder:g#viewer@user:bob" }],
      "trace-42",
    );
    expect(
      (await s.call("GET", `/v1/revisions/${traced.body.revision}`, { token: admin })).body.requestId,
    ).toBe("trace-42");
    const imported = await s.call("POST", "/v1/tenants/acme/import", {
      token: writer,
      body: { relationships: "folder:notes#viewer@user:cid\nfolder:notes#viewer@user:dan" },
    });
    expect(
      (await s.call("GET", `/v1/revisions/${imported.body.revision}`, { token: admin })).body,
    ).toMatchObject({
      actor: "app-backend",
      door: "http",
      created: 2,
    });
    const bulk = await s.call("POST", "/v1/tenants/acme/relationships/delete", {
      token: writer,
      body: { resource: "folder:notes", relation: "viewer", reason: "notes retired" },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.deleted).toEqual(["folder:notes#viewer@user:cid", "folder:notes#viewer@user:dan"]);
    expect((await s.call("GET", `/v1/revisions/${bulk.body.revision}`, { token: admin })).body).toMatchObject(
      {
        actor: "app-backend",
        door: "http",
        reason: "notes retired",
        deleted: 2,
      },
    );
    const audit = (await s.call("GET", "/v1/audit?actor=app-backend", { token: admin })).body.records;
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      "relationships.write",
      "relationships.write",
      "relationships.import",
      "relationships.delete",
    ]);

    // The typed client reads the same.
    const client = new GatehouseClient({ url: s.url, token: reviewer });
    expect((await client.getRevision(first.body.revision)).actor).toBe("app-backend");
    expect(
      (await client.listRevisions({ actor: "app-backend", limit: 1 })).revisions.map((r) => r.revision),
    ).toEqual([bulk.body.revision]);
  });

  it("lists by actor, tenant and time; a tenant-limited token sees only its tenant's revisions", async () => {
    const all = (await s.call("GET", "/v1/revisions", { token: reviewer })).body.revisions;
    expect(all.map((r: { revision: number }) => r.revision)).toEqual(
      [...all.map((r: { revision: number }) => r.revision)].sort((a: number, b: number) => b - a),
    );
    expect(all.some((r: { tenant: string | null }) => r.tenant === null)).toBe(true); // the schema
    const limited = (await s.call("GET", "/v1/revisions", { token: acmeReviewer })).body.revisions;
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r: { tenant: string }) => r.tenant === "acme")).toBe(true);
    const globex = all.find((r: { tenant: string | null }) => r.tenant === "globex");
    const hidden = await s.call("GET", `/v1/revisions/${globex.revision}`, { token: acmeReviewer });
    expect(hidden.status).toBe(404);
    const schema = all.find((r: { tenant: string | null }) => r.tenant === null);
    expect((await s.call("GET", `/v1/revisions/${schema.revision}`, { token: acmeReviewer })).status).toBe(
      404,
    );
    expect((await s.call("GET", "/v1/revisions?tenant=globex", { token: acmeReviewer })).status).toBe(403);
    const byTenant = (await s.call("GET", "/v1/revisions?tenant=globex", { token: reviewer })).body.revisions;
    expect(byTenant.map((r: { tenant: string }) => r.tenant)).toEqual(["globex"]);
    expect(
      (await s.call("GET", "/v1/revisions?since=2999-01-01", { token: reviewer })).body.revisions,
    ).toEqual([]);
    const bad = await s.call("GET", "/v1/revisions?since=yesterday", { token: reviewer });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("since");
    // Role `write` may write but not read who wrote what.
    expect((await s.call("GET", "/v1/revisions", { token: writer })).status).toBe(403);
    expect((await s.call("GET", "/v1/revisions/99999", { token: reviewer })).status).toBe(404);
  });

  it("a write over the default guard's bound gets 409 with the change to propose, and nothing is written", async () => {
    await write("acme", [{ operation: "touch", relationship: "folder:handbook#viewer@user:*" }]);
    const head = await s.gatehouse.store.headRevision();
    const refused = await write("acme", [
      { operation: "delete", relationship: "folder:handbook#viewer@user:*" },
    ]);
    expect(refused.status).toBe(409);
    expect(refused.body.error.kind).toBe("refused");
    expect(refused.body.error.message).toContain("guard `direct-write-blast-radius`");
    expect(refused.body.error.message).toContain("POST /v1/tenants/acme/changes");
    expect(await s.gatehouse.store.headRevision()).toBe(head);
    const guards = (await s.call("GET", "/v1/guards", { token: reviewer })).body;
    expect(guards.default).toBe(true);
    expect(guards.text).toContain("name: direct-write-blast-radius");
  });
});
