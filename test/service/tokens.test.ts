import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Gatehouse } from "../../src/service/gatehouse.js";

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
});
