import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServerWithSchema } from "../support/server.js";

/**
 * `GET /v1/changes` for a tenant-limited token took the newest `limit` changes of every tenant and
 * then dropped those it may not see, so when the newest were other tenants' it listed none of
 * its own. Its tenants now go into the query, as `/v1/revisions` does.
 */
const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}`;

describe("a tenant-limited token's change list", () => {
  let s: RunningServer;
  let admin: string;
  const propose = async (tenant: string, n: number) => {
    const file = `intent: grant\nreason: r${n}\nwrite:\n  - document:d${n}#viewer@user:u${n}\n`;
    const proposed = await s.call("POST", `/v1/tenants/${tenant}/changes`, { token: admin, body: { file } });
    expect(proposed.status).toBe(200);
    return proposed.body.id as number;
  };

  beforeAll(async () => {
    ({ s, admin } = await startServerWithSchema(SCHEMA));
  });
  afterAll(async () => s.close());

  it("lists its own tenants' changes however many newer ones other tenants have", async () => {
    const own = [await propose("acme", 1), await propose("acme", 2)];
    for (let n = 3; n <= 8; n++) await propose("globex", n);
    const limited = await s.token("acme-reader", "check", ["acme"]);
    const listed = await s.call("GET", "/v1/changes?limit=3", { token: limited });
    expect(listed.status).toBe(200);
    expect(listed.body.changes.map((c: { id: number }) => c.id)).toEqual([...own].reverse());
    const one = await s.call("GET", "/v1/changes?limit=1", { token: limited });
    expect(one.body.changes.map((c: { id: number }) => c.id)).toEqual([own[1]]);
    // A store-wide token still sees the newest of all.
    const all = await s.call("GET", "/v1/changes?limit=3", { token: admin });
    expect(all.body.changes.map((c: { tenant: string }) => c.tenant)).toEqual(["globex", "globex", "globex"]);
  });
});
