import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * A token limited to tenants, refused another tenant's change, is not told that tenant's name:
 * the change's tenant is not one the caller named (it asked for a change id), and a limited
 * token never hears of other tenants (`GET /v1/tenants` lists its own only). Before, the 403
 * said "token `acme-dev` may not act on tenant `globex`" for any change id it tried.
 */
describe("refusing another tenant's change", () => {
  let s: RunningServer;
  let admin: string;
  let acme: string;
  let id: number;

  beforeAll(async () => {
    s = await startServer();
    admin = await s.token("root", "admin");
    acme = await s.token("acme-dev", "approve", ["acme"]);
    await s.call("PUT", "/v1/schema", {
      token: admin,
      body: { schema: "definition user {}\ndefinition document {\n  relation viewer: user\n}" },
    });
    const proposed = await s.call("POST", "/v1/tenants/globex-secret-customer/changes", {
      token: admin,
      body: { file: "intent: grant\nreason: r\nwrite:\n  - document:d#viewer@user:ann\n" },
    });
    expect(proposed.status).toBe(200);
    id = proposed.body.id;
  });
  afterAll(() => s.close());

  it("says the change it may not act on, not the tenant, on every change route", async () => {
    const calls: [string, string, unknown?][] = [
      ["GET", `/v1/changes/${id}`],
      ["GET", `/v1/changes/${id}/review`],
      ["GET", `/v1/changes/${id}/plan/rows`],
      ["POST", `/v1/changes/${id}/plan`],
      ["POST", `/v1/changes/${id}/withdraw`, {}],
      ["POST", `/v1/changes/${id}/reject`, { reason: "no" }],
      ["POST", `/v1/changes/${id}/apply`],
    ];
    for (const [method, path, body] of calls) {
      const answer = await s.call(method, path, { token: acme, ...(body !== undefined ? { body } : {}) });
      expect(answer.status, path).toBe(403);
      expect(JSON.stringify(answer.body), path).not.toContain("globex");
      expect(answer.body.error.message, path).toBe(
        `token \`acme-dev\` may not act on change ${id}: it is in a tenant this token does not reach`,
      );
    }
  });

  it("still names the tenant in the audit record, which only admins read", async () => {
    const audit = await s.call("GET", "/v1/audit?action=auth.forbidden", { token: admin });
    expect(JSON.stringify(audit.body)).toContain("globex-secret-customer");
  });
});
