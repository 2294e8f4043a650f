import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * Errors as a person reads them over HTTP: the field, what is wrong with it, and what was
 * expected, instead of the validator's wording (`must have required property 'subject'`).
 */
describe("HTTP error messages", () => {
  let s: RunningServer;
  let admin: string;

  beforeAll(async () => {
    s = await startServer();
    admin = await s.token("root", "admin");
    await s.call("PUT", "/v1/schema", {
      token: admin,
      body: { schema: "definition user {}\ndefinition document {\n  relation viewer: user\n}" },
    });
  });
  afterAll(() => s.close());

  const error = async (method: string, path: string, body?: unknown) => {
    const answer = await s.call(method, path, { token: admin, body });
    expect(answer.status).toBe(400);
    return answer.body.error as { kind: string; message: string; place: { field: string } };
  };

  it("names a missing field and what it expects", async () => {
    const missing = await error("POST", "/v1/tenants/acme/check", {
      resource: "document:a",
      permission: "viewer",
    });
    expect(missing).toEqual({
      kind: "input",
      message: "`body.subject`: required; expected a subject, `type:id`, `type:id#relation` or `type:*`",
      place: { field: "body.subject" },
    });
  });

  it("names an unknown field and the fields there are", async () => {
    const extra = await error("POST", "/v1/tenants/acme/check", {
      resource: "document:a",
      permission: "viewer",
      subject: "user:ann",
      subjet: "user:ann",
    });
    expect(extra.message).toBe(
      "`body.subjet`: unknown field; expected only `resource`, `permission`, `subject`, `context`, `explain`, `atLeastRevision`",
    );
    expect(extra.place).toEqual({ field: "body.subjet" });
  });

  it("says which type a field takes, and what it got", async () => {
    const wrongType = await error("POST", "/v1/tenants/acme/check", {
      resource: "document:a",
      permission: "viewer",
      subject: 7,
    });
    expect(wrongType.message).toBe(
      "`body.subject`: expected a string (a subject, `type:id`, `type:id#relation` or `type:*`), got number `7`",
    );
  });

  it("lists the values a field allows, at the item of a list", async () => {
    const operation = await error("POST", "/v1/tenants/acme/relationships", {
      updates: [{ operation: "upsert", relationship: "document:a#viewer@user:ann" }],
    });
    expect(operation.message).toBe(
      '`body.updates[0].operation`: expected one of `create`, `touch`, `delete`, got `"upsert"`',
    );
    expect(operation.place).toEqual({ field: "body.updates[0].operation" });
  });

  it("gives the bounds of numbers, lists and text, and path parameters by name", async () => {
    expect((await error("POST", "/v1/changes/abc/plan")).message).toBe(
      '`params.id`: expected an integer (change id), got `"abc"`',
    );
    expect((await error("GET", "/v1/tenants/acme/relationships?limit=0")).message).toBe(
      "`querystring.limit`: expected 1 or more, got number `0`",
    );
    expect((await error("POST", "/v1/tenants/acme/relationships", { updates: [] })).message).toBe(
      "`body.updates`: expected at least 1 item",
    );
    expect((await error("POST", "/v1/changes/1/approve", { plan: "" })).message).toBe(
      "`body.plan`: must not be empty",
    );
  });

  it("says what to do when a created relationship already exists, naming the item", async () => {
    const write = (operation: string) =>
      s.call("POST", "/v1/tenants/acme/relationships", {
        token: admin,
        body: { updates: [{ operation, relationship: "document:a#viewer@user:ann" }] },
      });
    expect((await write("create")).status).toBe(200);
    const again = await write("create");
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      kind: "conflict",
      message:
        "relationship `document:a#viewer@user:ann` already exists in tenant `acme`: nothing was written (`touch` writes a relationship whether or not it exists)",
      place: { field: "updates[0]" },
    });
    expect((await write("touch")).status).toBe(200);
  });

  it("says what an unknown audit action is, and takes a family of actions", async () => {
    const unknown = await s.call("GET", "/v1/audit?action=rolout", { token: admin });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "unknown audit action `rolout`: expected a family of actions (`auth`, `change`, `guards`, `relationships`, `retention`, `rollout`, `schema`, `shadow`, `token`) or one action, such as `rollout.start` or `change.apply`",
    );
    const family = await s.call("GET", "/v1/audit?action=relationships", { token: admin });
    expect(family.status).toBe(200);
    expect(family.body.records.map((r: { action: string }) => r.action)).toEqual([
      "relationships.write",
      "relationships.write",
    ]);
  });
});
