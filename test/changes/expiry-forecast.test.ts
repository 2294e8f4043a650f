import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { GatehouseClient } from "../../src/client/client.js";
import { GatehouseError } from "../../src/model/errors.js";
import { type RunningServer, startServer } from "../support/server.js";

/** The expiry forecast (issue 15.5): who will lose which access when, computed like a plan. */
const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition group {
  relation member: user | user with expiration
}

definition doc {
  relation viewer: user | user with expiration | user with on_level | group#member
  relation banned: user | user with expiration
  permission view = viewer - banned
}`;

const NOW = new Date("2030-01-01T00:00:00Z");
let s: RunningServer;
beforeAll(async () => {
  s = await startServer(":memory:", {}, { now: () => NOW });
  await s.gatehouse.writeSchema(SCHEMA);
  await s.gatehouse.importRelationships(
    "acme",
    [
      // ann: only by an expiring grant, in 3 days: lost then.
      "doc:d1#viewer@user:ann[expiration:2030-01-04T00:00:00Z]",
      // bob: an expiring grant and a group that also grants: not lost.
      "doc:d1#viewer@user:bob[expiration:2030-01-02T00:00:00Z]",
      "group:eng#member@user:bob",
      "doc:d1#viewer@group:eng#member",
      // cid: through an expiring group membership, in 5 days (on d1 through the group).
      "group:eng#member@user:cid[expiration:2030-01-06T00:00:00Z]",
      // dan: ends in 30 days, outside a 7-day window.
      "doc:d2#viewer@user:dan[expiration:2030-01-31T00:00:00Z]",
      // eve: a ban that ends grants her access: no loss.
      "doc:d2#viewer@user:eve",
      "doc:d2#banned@user:eve[expiration:2030-01-03T00:00:00Z]",
    ].join("\n"),
  );
  await s.gatehouse.importRelationships("other", "doc:x#viewer@user:zed[expiration:2030-01-02T00:00:00Z]");
});
afterAll(async () => s.close());

describe("the expiry forecast", () => {
  it("lists who loses which access when; an access granted twice is not lost", async () => {
    const forecast = await s.gatehouse.expiringAccess({ within: "7d", tenant: "acme" });
    expect(forecast.from).toBe("2030-01-01T00:00:00.000Z");
    expect(forecast.until).toBe("2030-01-08T00:00:00.000Z");
    expect(forecast.expiring.map((r) => `${r.at} ${r.subject} ${r.permission} ${r.resource}`)).toEqual([
      "2030-01-04T00:00:00Z user:ann view doc:d1",
      "2030-01-06T00:00:00Z user:cid view doc:d1",
    ]);
  });

  it("covers every tenant without --tenant, and a longer window reaches later ends", async () => {
    const forecast = await s.gatehouse.expiringAccess({ within: "31d" });
    expect(forecast.expiring.map((r) => `${r.tenant} ${r.subject} ${r.resource}`)).toEqual([
      "acme user:ann doc:d1",
      "acme user:cid doc:d1",
      "acme user:dan doc:d2",
      "other user:zed doc:x",
    ]);
  });

  it("refuses a bad window, naming it", async () => {
    const error = await s.gatehouse.expiringAccess({ within: "soon", tenant: "acme" }).catch((e) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error.message).toContain("invalid within `soon`");
  });

  it("is served over HTTP per tenant; a token limited to another tenant is refused", async () => {
    const token = await s.token("reader", "check", ["acme"]);
    const ok = await s.call("GET", "/v1/tenants/acme/access/expiring?within=7d", { token });
    expect(ok.status).toBe(200);
    expect(ok.body.expiring.map((r: { subject: string }) => r.subject)).toEqual(["user:ann", "user:cid"]);
    const bad = await s.call("GET", "/v1/tenants/acme/access/expiring?within=7", { token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("within");
    const other = await s.call("GET", "/v1/tenants/other/access/expiring?within=7d", { token });
    expect(other.status).toBe(403);
    const client = new GatehouseClient({ url: s.url, token });
    expect((await client.expiringAccess("acme", "7d")).expiring.map((r) => r.at)).toEqual([
      "2030-01-04T00:00:00Z",
      "2030-01-06T00:00:00Z",
    ]);
  });

  it("plan rows keep their condition and end over HTTP", async () => {
    const token = await s.token("planner", "admin");
    const change = await s.gatehouse.changes.propose(
      parseChangeFile(
        "intent: grant\nreason: a contractor\nwrite:\n  - doc:d3#viewer@user:kim[expiration:2030-02-01T00:00:00Z]\n  - doc:d3#viewer@user:lea[on_level]\n",
      ),
      { tenant: "acme", actor: "dev" },
    );
    const planned = await s.call("POST", `/v1/changes/${change.id}/plan`, { token });
    expect(planned.status).toBe(200);
    expect(planned.body.gained).toEqual([
      {
        tenant: "acme",
        resource: "doc:d3",
        permission: "view",
        subject: "user:kim",
        until: "2030-02-01T00:00:00Z",
      },
      {
        tenant: "acme",
        resource: "doc:d3",
        permission: "view",
        subject: "user:lea",
        conditional: { caveats: [{ name: "on_level" }], missing: ["level"] },
      },
    ]);
  });
});
