import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

// The check's caveat context over HTTP: taken by `/check` and by each item of `/checks`;
// something that is not a JSON object is refused with the field named.
const SCHEMA = `caveat on_level(level int) {
  level > 2
}
definition user {}
definition document {
  relation viewer: user | user with on_level
  permission view = viewer
}`;

describe("HTTP check with caveat context", () => {
  let s: RunningServer;
  let writer: string;

  beforeAll(async () => {
    s = await startServer(":memory:");
    const admin = await s.token("root", "admin");
    writer = await s.token("app", "write");
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } })).status).toBe(200);
    const write = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: writer,
      body: { updates: [{ operation: "create", relationship: "document:readme#viewer@user:ann" }] },
    });
    expect(write.status).toBe(200);
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
