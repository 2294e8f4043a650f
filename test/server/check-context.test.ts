import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import { type RunningServer, seedServer, startServer } from "../support/server.js";

// The check's caveat context over HTTP: taken by `/check` and by each item of `/checks`;
// something that is not a JSON object is refused with the field named.
const SCHEMA = `caveat on_level(level int) {
  level > 2
}
definition user {}
definition document {
  relation viewer: user | user with on_level | user:* with on_level
  permission view = viewer
}`;

describe("HTTP check with caveat context", () => {
  let s: RunningServer;
  let writer: string;

  beforeAll(async () => {
    s = await startServer(":memory:");
    const admin = await s.token("root", "admin");
    writer = await s.token("app", "write");
    await seedServer(s, {
      admin,
      writer,
      schema: SCHEMA,
      tenant: "acme",
      relationships: ["document:readme#viewer@user:ann"],
    });
  });
  afterAll(async () => {
    await s.close();
  });

  it("takes a context on a check and on each item of a batch", async () => {
    const check = await s.call("POST", "/v1/tenants/acme/check", {
      token: writer,
      body: { resource: "document:readme", permission: "view", subject: "user:ann", context: { level: 1 } },
    });
    expect(check.status).toBe(200);
    expect(check.body.allowed).toBe(true);
    expect(check.body.conditional).toBeUndefined();
    const batch = await s.call("POST", "/v1/tenants/acme/checks", {
      token: writer,
      body: {
        checks: [
          { resource: "document:readme", permission: "view", subject: "user:ann", context: { level: 5 } },
          { resource: "document:readme", permission: "view", subject: "user:bob" },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results).toEqual([true, false]);
    expect(batch.body.conditional).toBeUndefined();
    await s.call("POST", "/v1/tenants/acme/relationships", {
      token: writer,
      body: { updates: [{ operation: "create", relationship: "document:memo#viewer@user:cy[on_level]" }] },
    });
    const open = await s.call("POST", "/v1/tenants/acme/checks", {
      token: writer,
      body: {
        checks: [
          { resource: "document:readme", permission: "view", subject: "user:bob" },
          { resource: "document:memo", permission: "view", subject: "user:cy" },
        ],
      },
    });
    // user:cy's grant is caveated and no context was given: conditional, named per check.
    expect(open.body.results).toEqual([false, false]);
    expect(open.body.conditional).toEqual([null, ["level"]]);
  });

  it("takes a context on lookups, through the HTTP API and the typed client, listing conditional answers apart", async () => {
    const client = new GatehouseClient({ url: s.url, token: writer });
    await client.writeRelationships("acme", [
      { operation: "create", relationship: "document:plan#viewer@user:ann[on_level]" },
      { operation: "create", relationship: "document:pub#viewer@user:*[on_level]" },
    ]);
    const without = await client.lookupResources("acme", "document", "view", "user:ann");
    expect(without.resources).toEqual(["document:readme"]);
    expect(without.conditional).toEqual([
      { resource: "document:plan", missing: ["level"] },
      { resource: "document:pub", missing: ["level"] },
    ]);
    // Paged one at a time, the conditional items come in their places.
    const first = await client.lookupResources("acme", "document", "view", "user:ann", { limit: 1 });
    expect(first.resources).toEqual([]);
    expect(first.conditional).toEqual([{ resource: "document:plan", missing: ["level"] }]);
    const second = await client.lookupResources("acme", "document", "view", "user:ann", {
      limit: 1,
      cursor: first.cursor,
    });
    expect(second.conditional).toEqual([{ resource: "document:pub", missing: ["level"] }]);
    const high = await client.lookupResources("acme", "document", "view", "user:ann", {
      context: { level: 3 },
    });
    expect(high).toMatchObject({ resources: ["document:plan", "document:pub", "document:readme"] });
    expect(high.conditional).toBeUndefined();

    const subjects = await client.lookupSubjects("acme", "document:pub", "view", "user");
    expect(subjects.subjects).toEqual([]);
    expect(subjects.conditional).toEqual([{ subject: "user:*", excluded: [], missing: ["level"] }]);
    const low = await client.lookupSubjects("acme", "document:pub", "view", "user", undefined, {
      context: { level: 1 },
    });
    expect(low.subjects).toEqual([]);
    expect(low.conditional).toBeUndefined();
    const check = await client.check("acme", {
      resource: "document:plan",
      permission: "view",
      subject: "user:ann",
      context: { level: 4 },
    });
    expect(check.allowed).toBe(true);

    const refused = await s.call("POST", "/v1/tenants/acme/lookup-resources", {
      token: writer,
      body: { resourceType: "document", permission: "view", subject: "user:ann", context: "level" },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("context");
  });

  it("refuses a context that is not an object, naming the field", async () => {
    const refused = await s.call("POST", "/v1/tenants/acme/check", {
      token: writer,
      body: { resource: "document:readme", permission: "view", subject: "user:ann", context: [1, 2] },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("context");
  });
});
