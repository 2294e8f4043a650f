import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

// The CLI's `change show` and `GET /v1/changes/:id` read a change's history through one service
// operation: the proposal once, at its change's target, even with a fixed clock; and a token
// revoked over HTTP is audited once, as the CLI's revoke is.
describe("change history and token revoke over HTTP", () => {
  let s: RunningServer;
  let admin: string;
  const fixed = new Date("2026-01-02T03:04:05.000Z");

  beforeAll(async () => {
    s = await startServer(":memory:", {}, { now: () => fixed });
    admin = await s.token("root", "admin");
    const schema = "definition user {}\ndefinition doc {\n  relation viewer: user\n}\n";
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema } })).status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  it("shows the proposal once in each change's history", async () => {
    const ids: number[] = [];
    for (const who of ["ann", "bob"]) {
      const file = `intent: grant\nreason: r\nwrite:\n  - doc:d1#viewer@user:${who}\n`;
      const proposed = await s.call("POST", "/v1/tenants/acme/changes", { token: admin, body: { file } });
      expect(proposed.status).toBe(200);
      ids.push(proposed.body.id);
    }
    for (const id of ids) {
      const shown = await s.call("GET", `/v1/changes/${id}`, { token: admin });
      expect(shown.status).toBe(200);
      const proposals = shown.body.history.filter((a: { action: string }) => a.action === "change.propose");
      expect(proposals.map((a: { target: string; actor: string }) => [a.target, a.actor])).toEqual([
        [`change:${id}`, "root"],
      ]);
    }
  });

  it("revokes a token with one audit record", async () => {
    await s.token("app", "check");
    const revoked = await s.call("DELETE", "/v1/tokens/app", { token: admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(fixed.toISOString());
    const audit = await s.call("GET", "/v1/audit?action=token.revoke", { token: admin });
    expect(audit.body.records.map((r: { actor: string; target: string }) => [r.actor, r.target])).toEqual([
      ["root", "token:app"],
    ]);
  });
});
