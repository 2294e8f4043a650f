import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseApiError, GatehouseClient } from "../../src/client/client.js";
import { type RunningServer, startServer } from "../support/server.js";

describe("the TypeScript client", () => {
  let s: RunningServer;
  let client: GatehouseClient;

  beforeAll(async () => {
    s = await startServer();
    const admin = await s.token("root", "admin");
    client = new GatehouseClient({ url: s.url, token: admin });
    await client.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    );
  });
  afterAll(() => s.close());

  it("tracks revisions so that every query reads the client's own writes", async () => {
    const { revision } = await client.writeRelationships("acme", [
      { operation: "create", relationship: "document:a#viewer@user:ann" },
    ]);
    expect(client.revision).toBe(revision);
    expect(
      await client.check("acme", { resource: "document:a", permission: "view", subject: "user:ann" }),
    ).toEqual({ allowed: true, revision, schema: { version: 1 } });
    expect(
      (await client.checkMany("acme", [{ resource: "document:a", permission: "view", subject: "user:bob" }]))
        .results,
    ).toEqual([false]);
    expect((await client.lookupResources("acme", "document", "view", "user:ann")).resources).toEqual([
      "document:a",
    ]);
  });

  it("raises typed errors with the server's message", async () => {
    const error = await client
      .check("acme", { resource: "document:a", permission: "edit", subject: "user:ann" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(GatehouseApiError);
    expect(error.status).toBe(400);
    expect(error.body.message).toContain("unknown permission or relation `edit`");
  });

  it("reads a tenant's decision log and incident reports (role approve; a tenant token sees its tenant only)", async () => {
    await client.check("acme", { resource: "document:a", permission: "view", subject: "user:cat" });
    const { decisions } = await client.decisions("acme", { subject: "user:cat", result: "denied" });
    expect(decisions.map((d) => `${d.resource.type}:${d.resource.id} ${d.subject.id} ${d.allowed}`)).toEqual([
      "document:a cat false",
    ]);
    const report = await client.incidentReport({ fromRevision: 0, toRevision: client.revision });
    expect(report.tenants.map((t) => t.tenant)).toEqual(["acme"]);
    expect(report.tenants[0]!.gained.map((r) => `${r.resource}@${r.subject}`)).toEqual([
      "document:a@user:ann",
    ]);

    const checker = new GatehouseClient({ url: s.url, token: await s.token("app", "check") });
    expect((await checker.decisions("acme").catch((e) => e)).status).toBe(403);
    const acmeLead = new GatehouseClient({
      url: s.url,
      token: await s.token("acme-lead", "approve", ["acme"]),
    });
    expect((await acmeLead.decisions("acme")).decisions.length).toBeGreaterThan(0);
    expect((await acmeLead.decisions("globex").catch((e) => e)).status).toBe(403);
    expect((await acmeLead.incidentReport({ change: 1 }).catch((e) => e)).status).toBe(403);
    const bad = await client.incidentReport({ fromRevision: 2, toRevision: 1 }).catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("invalid revision range 2..1");
  });

  it("proposes subject and tenant lifecycle changes and reads and sets the retention window", async () => {
    const lead = new GatehouseClient({ url: s.url, token: await s.token("lead", "approve") });
    const other = new GatehouseClient({ url: s.url, token: await s.token("other", "approve") });
    await client.writeRelationships("globex", [
      { operation: "create", relationship: "document:g#viewer@user:gus" },
      { operation: "create", relationship: "document:h#viewer@user:hal" },
    ]);
    const deletion = await lead.deleteSubject("globex", "user:gus");
    expect(deletion).toMatchObject({ intent: "delete", state: "proposed", tenant: "globex" });
    const plan = await lead.planChange(deletion.id);
    expect(plan.deletion).toMatchObject({ target: "user:gus", relationships: 1 });
    await other.approveChange(deletion.id, plan.planId!);
    await lead.applyChange(deletion.id);
    const restore = await lead.restoreSubject("globex", "user:gus");
    expect(restore.intent).toBe("restore");
    const early = await lead.purgeSubject("globex", "user:hal").catch((e) => e);
    expect(early.status).toBe(409);
    expect(early.body.message).toContain("nothing to purge");
    const merge = await lead.mergeSubject("globex", "user:hal", "user:gus");
    expect(merge.intent).toBe("merge");
    const tenant = await lead.deleteTenant("globex");
    expect(tenant.intent).toBe("delete");
    expect((await lead.restoreTenant("globex").catch((e) => e)).status).toBe(404);
    expect((await lead.purgeTenant("globex").catch((e) => e)).status).toBe(409);
    expect(await client.retention()).toEqual({ days: 30, setBy: null, setAt: null });
    expect((await client.setRetention(14)).days).toBe(14);
    expect((await lead.setRetention(3).catch((e) => e)).status).toBe(403);
  });

  it("checks lines as text, answering as checkMany does, and names a refused line", async () => {
    // Its own tenant, and last: the tests above read acme's decision log and every tenant's incidents.
    await client.writeRelationships("lines", [
      { operation: "touch", relationship: "document:a#viewer@user:ann" },
    ]);
    const lines = ["document:a#view@user:ann", "document:a#view@user:bob", "document:a#viewer@user:ann"];
    const many = await client.checkMany(
      "lines",
      lines.map((line) => {
        const [resource, rest] = line.split("#") as [string, string];
        const [permission, subject] = rest.split("@") as [string, string];
        return { resource, permission, subject };
      }),
    );
    expect(await client.checkLines("lines", lines)).toEqual(many);
    expect(await client.checkLines("lines", `// one\n${lines[0]}\n`)).toEqual({ ...many, results: [true] });
    // Its own writes: the session's revision is asked for, and a newer revision given wins.
    const { revision } = await client.writeRelationships("lines", [
      { operation: "touch", relationship: "document:lines#viewer@user:ann" },
    ]);
    expect((await client.checkLines("lines", ["document:lines#view@user:ann"])).results).toEqual([true]);
    const ahead = await client
      .checkLines("lines", ["document:lines#view@user:ann"], { atLeastRevision: revision + 50 })
      .catch((e) => e);
    expect(ahead).toBeInstanceOf(GatehouseApiError);
    expect(ahead.status).toBe(404);
    const error = await client.checkLines("lines", [lines[0]!, "document:a#edit@user:ann"]).catch((e) => e);
    expect(error).toBeInstanceOf(GatehouseApiError);
    expect(error.status).toBe(400);
    expect(error.body.place).toEqual({ file: "body", line: 2 });
    expect(error.body.message).toContain("`edit`");
  });
});
