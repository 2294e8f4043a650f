import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, seedServer, startServer } from "../support/server.js";

// `POST /checks` reads its items through `CheckNames` (each type and name tested once, ids by a
// table) and falls back to the placed parsers for anything else: the answers are each `/check`'s,
// and a bad item is named by its index and field while nothing is answered.
const SCHEMA = `definition user {}
definition group {
  relation member: user | group#member
}
definition document {
  relation viewer: user | user:* | group#member
  permission view = viewer
}`;

describe("HTTP batch checks", () => {
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
      relationships: [
        "document:readme#viewer@user:ann",
        "document:a=b+c|d-e/f_g#viewer@group:eng#member",
        "group:eng#member@user:bob",
        "document:open#viewer@user:*",
      ],
    });
  });
  afterAll(async () => {
    await s.close();
  });

  it("answers every item as its own check would, usersets and wildcards included", async () => {
    const checks = [
      { resource: "document:readme", permission: "view", subject: "user:ann" },
      { resource: "document:readme", permission: "view", subject: "user:bob" },
      { resource: "document:a=b+c|d-e/f_g", permission: "view", subject: "user:bob" },
      { resource: "document:a=b+c|d-e/f_g", permission: "view", subject: "group:eng#member" },
      { resource: "document:a=b+c|d-e/f_g", permission: "viewer", subject: "group:eng#..." },
      { resource: "document:open", permission: "view", subject: "user:cy" },
      { resource: "document:open", permission: "view", subject: "user:*" },
      { resource: "document:readme", permission: "view", subject: "user:ann" },
    ];
    const batch = await s.call("POST", "/v1/tenants/acme/checks", { token: writer, body: { checks } });
    expect(batch.status).toBe(200);
    const one = [];
    for (const check of checks) {
      const answer = await s.call("POST", "/v1/tenants/acme/check", { token: writer, body: check });
      expect(answer.status).toBe(200);
      one.push(answer.body.allowed);
    }
    expect(batch.body.results).toEqual(one);
    expect(one).toEqual([true, false, true, true, false, true, true, true]);
  });

  it("names a malformed item by its index and field, and answers none", async () => {
    const good = { resource: "document:readme", permission: "view", subject: "user:ann" };
    const refused = async (bad: Record<string, string>, index = 2) => {
      const checks = [good, good, good];
      checks[index] = { ...good, ...bad };
      const answer = await s.call("POST", "/v1/tenants/acme/checks", { token: writer, body: { checks } });
      expect(answer.status).toBe(400);
      expect(answer.body.results).toBeUndefined();
      return answer.body.error as { kind: string; message: string; place: { field: string } };
    };
    const id = await refused({ resource: "document:read me" });
    expect(id.place.field).toBe("checks[2].resource");
    expect(id.message).toContain("invalid object id `read me` in resource `document:read me`");
    const type = await refused({ resource: "Document:readme" }, 1);
    expect(type.place.field).toBe("checks[1].resource");
    expect(type.message).toContain("invalid type name `Document`");
    const relation = await refused({ subject: "group:eng#Member" });
    expect(relation.place.field).toBe("checks[2].subject");
    expect(relation.message).toContain("invalid relation name `Member`");
    const wildcard = await refused({ subject: "user:*#member" }, 0);
    expect(wildcard.place.field).toBe("checks[0].subject");
    expect(wildcard.message).toContain("a wildcard cannot have a relation");
    const unknown = await refused({ permission: "edit" });
    expect(unknown.place.field).toBe("checks[2]");
    expect(unknown.message).toContain("unknown permission or relation `edit` on type `document`");
  });
});
