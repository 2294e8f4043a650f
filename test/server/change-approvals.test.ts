import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import { postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

// Approvals bound to the plan a reviewer saw (issue 17.2), withdraw and reject (issue 13.5), over
// HTTP and the typed client, on both stores.
const postgres = await postgresUrlForTest("change_approvals");
const stores: Array<[string, string, (() => Promise<void>) | undefined]> = [
  ["SQLite", ":memory:", undefined],
];
if (!postgres.skip) stores.push(["PostgreSQL", postgres.url!, () => postgres.drop!()]);

const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition doc {
  relation viewer: user | group#member
  permission view = viewer
}`;

describe.each(stores)("change approvals over HTTP on %s", (_name, store, drop) => {
  let s: RunningServer;
  let dev: string;
  let lead: string;
  let writer: string;

  beforeAll(async () => {
    s = await startServer(store);
    const admin = await s.token("root", "admin");
    dev = await s.token("dev", "propose");
    lead = await s.token("lead", "approve");
    writer = await s.token("app", "write");
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } })).status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
    await drop?.();
  });

  const propose = async (tenant: string, file: string) => {
    const proposed = await s.call("POST", `/v1/tenants/${tenant}/changes`, { token: dev, body: { file } });
    expect(proposed.status).toBe(200);
    return proposed.body.id as number;
  };
  const write = async (tenant: string, ...tuples: string[]) => {
    const written = await s.call("POST", `/v1/tenants/${tenant}/relationships`, {
      token: writer,
      body: { updates: tuples.map((relationship) => ({ operation: "touch", relationship })) },
    });
    expect(written.status).toBe(200);
  };

  it("plan, a write widens the loss, plan again: an approval naming the first plan is refused (409)", async () => {
    await write("t1", "group:eng#member@user:ann", "doc:d1#viewer@group:eng#member");
    const id = await propose(
      "t1",
      "intent: revoke\nreason: r\ndelete:\n  - doc:d1#viewer@group:eng#member\n",
    );
    const first = await s.call("POST", `/v1/changes/${id}/plan`, { token: dev });
    expect(first.body.lost).toHaveLength(1);
    expect(first.body.planId).toMatch(/^[0-9a-f]{16}$/);
    await write("t1", ...["bob", "cid", "dan", "eve"].map((u) => `group:eng#member@user:${u}`));
    const second = await s.call("POST", `/v1/changes/${id}/plan`, { token: dev });
    expect(second.body.lost).toHaveLength(5);

    const stale = await s.call("POST", `/v1/changes/${id}/approve`, {
      token: lead,
      body: { plan: first.body.planId },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.kind).toBe("conflict");
    expect(stale.body.error.message).toContain(`the newest is \`${second.body.planId}\``);
    const shown = await s.call("GET", `/v1/changes/${id}`, { token: lead });
    expect(shown.body.approvals).toEqual([]);
    expect(shown.body.plan.planId).toBe(second.body.planId);

    // An HTTP approval always names a plan.
    const bare = await s.call("POST", `/v1/changes/${id}/approve`, { token: lead, body: {} });
    expect(bare.status).toBe(400);
    expect(JSON.stringify(bare.body)).toContain("plan");
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: dev })).status).toBe(409);

    const approved = await s.call("POST", `/v1/changes/${id}/approve`, {
      token: lead,
      body: { plan: second.body.planId, comment: "all five, fine" },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ approved: second.body.planId, blocked: false, state: "approved" });
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: dev })).status).toBe(200);
  });

  it("the client sends the plan it read; withdraw (author only) and reject (role approve)", async () => {
    const devClient = new GatehouseClient({ url: s.url, token: dev });
    const leadClient = new GatehouseClient({ url: s.url, token: lead });
    await write("t2", "doc:d1#viewer@user:ann", "doc:d2#viewer@user:ann", "doc:d3#viewer@user:ann");
    const file = (doc: string) => `intent: revoke\nreason: r\ndelete:\n  - ${doc}#viewer@user:ann\n`;

    const a = await devClient.proposeChange("t2", file("doc:d1"));
    const planned = await devClient.planChange(a.id);
    await write("t2", "doc:d1#viewer@user:bob");
    const replanned = await devClient.planChange(a.id);
    const refused = await leadClient.approveChange(a.id, planned.planId!).catch((e) => e);
    expect(refused.status).toBe(409);
    const approved = await leadClient.approveChange(a.id, replanned.planId!, "ok");
    expect(approved.approved).toBe(replanned.planId);

    const b = await devClient.proposeChange("t2", file("doc:d2"));
    const notAuthor = await leadClient.withdrawChange(b.id).catch((e) => e);
    expect(notAuthor.status).toBe(409);
    expect(notAuthor.body.message).toContain("only the author `dev` can withdraw");
    expect(await devClient.withdrawChange(b.id, "not needed")).toMatchObject({
      id: b.id,
      state: "withdrawn",
    });

    const c = await devClient.proposeChange("t2", file("doc:d3"));
    await devClient.planChange(c.id);
    const noRole = await s.call("POST", `/v1/changes/${c.id}/reject`, { token: dev, body: { reason: "x" } });
    expect(noRole.status).toBe(403);
    const noReason = await s.call("POST", `/v1/changes/${c.id}/reject`, { token: lead, body: {} });
    expect(noReason.status).toBe(400);
    expect(await leadClient.rejectChange(c.id, "d3 stays shared")).toMatchObject({ state: "rejected" });
    const history = (await s.call("GET", `/v1/changes/${c.id}`, { token: lead })).body.history;
    expect(history.at(-1)).toMatchObject({
      action: "change.reject",
      actor: "lead",
      reason: "d3 stays shared",
    });
    expect((await s.call("POST", `/v1/changes/${c.id}/apply`, { token: dev })).status).toBe(409);
  });

  it("a tenant-limited token cannot withdraw or reject another tenant's change", async () => {
    const id = await propose("t3", "intent: grant\nreason: r\nwrite:\n  - doc:d1#viewer@user:ann\n");
    const other = await s.token("acme-lead", "approve", ["acme"]);
    // Answered as a missing change (404): a limited token cannot tell another tenant's change exists.
    expect(
      (await s.call("POST", `/v1/changes/${id}/reject`, { token: other, body: { reason: "no" } })).status,
    ).toBe(404);
    expect((await s.call("POST", `/v1/changes/${id}/withdraw`, { token: other, body: {} })).status).toBe(404);
    expect((await s.call("GET", `/v1/changes/${id}`, { token: lead })).body.state).toBe("proposed");
  });
});
