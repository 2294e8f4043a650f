import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatehouseAsync } from "../support/cli.js";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * A token limited to tenants, refused another tenant's change, is told neither that tenant's
 * name nor that the change exists: it is answered as for a missing change. A limited token never
 * hears of other tenants (`GET /v1/tenants` lists its own only). Before, the 403 said "token
 * `acme-dev` may not act on tenant `globex`" for any change id it tried, and later "may not act
 * on change N", while a missing change answered 404.
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

  it("answers another tenant's change as it answers a missing one, on every change route", async () => {
    // Before: 403 "token `acme-dev` may not act on change N: it is in a tenant this token does
    // not reach" for another tenant's change, 404 for a missing one: a limited token could tell
    // which change ids exist.
    const missing = 999_999;
    const calls = (change: number): [string, string, unknown?][] => [
      ["GET", `/v1/changes/${change}`],
      ["GET", `/v1/changes/${change}/review`],
      ["GET", `/v1/changes/${change}/plan/rows`],
      ["GET", `/v1/changes/${change}/plan/rows.csv`],
      ["GET", `/v1/changes/${change}/schema-diff`],
      ["POST", `/v1/changes/${change}/plan`],
      ["POST", `/v1/changes/${change}/approve`, { plan: "0".repeat(64) }],
      ["POST", `/v1/changes/${change}/withdraw`, {}],
      ["POST", `/v1/changes/${change}/reject`, { reason: "no" }],
      ["POST", `/v1/changes/${change}/apply`],
      ["POST", `/v1/changes/${change}/revert`, {}],
    ];
    const theirs = calls(id);
    for (const [i, [method, path, body]] of calls(missing).entries()) {
      const send = (target: string) =>
        s.call(method, target, { token: acme, ...(body !== undefined ? { body } : {}) });
      const absent = await send(path);
      const other = await send(theirs[i]![1]);
      expect(absent.status, path).toBe(404);
      expect(other.status, path).toBe(404);
      expect(JSON.stringify(other.body), path).not.toContain("globex");
      expect(JSON.stringify(other.body).replaceAll(String(id), "N"), path).toBe(
        JSON.stringify(absent.body).replaceAll(String(missing), "N"),
      );
    }
    // Written as the route reads it: `0042` is change 42.
    const padded = await s.call("GET", `/v1/changes/000${id}`, { token: acme });
    expect(padded.body.error.message).toBe(`change ${id} does not exist`);
  });

  it("the CLI through the server says the same for another tenant's change as for a missing one", async () => {
    // Not spawnSync: the server answers on this very thread.
    const show = (change: number) =>
      gatehouseAsync(["--server", s.url, "--token", acme, "change", "show", String(change)], {
        env: { GATEHOUSE_SERVER: "", GATEHOUSE_TOKEN: "" },
      });
    const [absent, other] = await Promise.all([show(999_999), show(id)]);
    expect(other.code).toBe(absent.code);
    expect(other.stdout).toBe("");
    expect(other.stderr.replaceAll(String(id), "N")).toBe(absent.stderr.replaceAll("999999", "N"));
    expect(other.stderr).not.toContain("globex");
  }, 60_000);

  it("still names the tenant in the audit record, which only admins read", async () => {
    const audit = await s.call("GET", "/v1/audit?action=auth.forbidden", { token: admin });
    expect(JSON.stringify(audit.body)).toContain("globex-secret-customer");
  });
});
