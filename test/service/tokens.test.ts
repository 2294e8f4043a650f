import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { startServer } from "../support/server.js";

// Regression: token revoke built its audit record in the CLI and again in the admin route; the
// service's `tokens.revoke` is now the one place, and both surfaces call it.
describe("tokens", () => {
  let g: Gatehouse;
  beforeEach(async () => {
    g = await Gatehouse.open(":memory:");
  });
  afterEach(async () => {
    await g.close();
  });

  it("revoke records one `token.revoke` on `token:<name>` by the actor, and the token stops working", async () => {
    const { secret } = await g.tokens.create({ name: "app", role: "check", tenants: null, actor: "root" });
    expect((await g.tokens.find(secret))?.name).toBe("app");
    const before = await g.tokens.revocations();
    const revoked = await g.tokens.revoke("app", "ann");
    expect(revoked.revokedAt).not.toBeNull();
    expect(await g.tokens.find(secret)).toBeUndefined();
    expect(await g.tokens.revocations()).toBe(before + 1);
    const records = await g.audit.list({ action: "token.revoke" });
    expect(
      records.map((r) => ({ actor: r.actor, target: r.target, tenant: r.tenant, reason: r.reason })),
    ).toEqual([{ actor: "ann", target: "token:app", tenant: null, reason: null }]);
    await expect(g.tokens.revoke("app", "ann")).rejects.toMatchObject({ kind: "not_found" });
  });

  it("a token listing one tenant twice is refused, naming the field; nothing is stored", async () => {
    // Before: `["acme", "globex", "acme"]` was stored as given.
    await expect(
      g.tokens.create({ name: "app", role: "check", tenants: ["acme", "globex", "acme"], actor: "root" }),
    ).rejects.toMatchObject({
      kind: "input",
      message: "tenant `acme` is listed twice in tenants (at 0 and 2): list each tenant once",
      place: { field: "tenants[2]" },
    });
    expect(await g.tokens.list()).toEqual([]);
  });
});

describe("tokens over HTTP", () => {
  it("a token listing one tenant twice is a 400 naming the field", async () => {
    const s = await startServer();
    try {
      const admin = await s.token("root", "admin");
      const answer = await s.call("POST", "/v1/tokens", {
        token: admin,
        body: { name: "app", role: "check", tenants: ["acme", "acme"] },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        kind: "input",
        message: "tenant `acme` is listed twice in tenants (at 0 and 1): list each tenant once",
        place: { field: "tenants[1]" },
      });
    } finally {
      await s.close();
    }
  });
});
