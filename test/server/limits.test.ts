import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import { IMPORT_MAX_LINES } from "../../src/service/import-limits.js";
import { type RunningServer, startServer } from "../support/server.js";

describe("HTTP limits: pages, cursors, import caps, decision log losses", () => {
  let s: RunningServer;
  let admin: string;
  let client: GatehouseClient;

  beforeAll(async () => {
    s = await startServer();
    admin = await s.token("root", "admin");
    client = new GatehouseClient({ url: s.url, token: admin });
    await client.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user | user:*\n  permission view = viewer\n}",
    );
    const lines: string[] = [];
    for (let i = 0; i < 2_500; i++) lines.push(`document:d${i}#viewer@user:ann`);
    for (let i = 0; i < 30; i++) lines.push(`document:shared#viewer@user:u${i}`);
    await client.importRelationships("acme", lines.join("\n"));
  });
  afterAll(() => s.close());

  it("lookups page with limit and cursor: every id once, at one revision; the last page's cursor is null", async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let revision: number | undefined;
    do {
      const page = await client.lookupResources("acme", "document", "view", "user:ann", {
        limit: 700,
        cursor,
      });
      revision ??= page.revision;
      expect(page.revision).toBe(revision);
      ids.push(...page.resources);
      cursor = page.cursor;
      // A write between pages does not show in them.
      await client.writeRelationships("acme", [
        { operation: "touch", relationship: `document:new${ids.length}#viewer@user:ann` },
      ]);
    } while (cursor !== null);
    expect(ids).toHaveLength(2_500);
    expect(new Set(ids).size).toBe(2_500);
    // Default page: 1,000.
    const first = await client.lookupResources("acme", "document", "view", "user:ann");
    expect(first.resources).toHaveLength(1_000);
    expect(first.cursor).not.toBeNull();
    const subjects = await client.lookupSubjects("acme", "document:shared", "view", "user", undefined, {
      limit: 20,
    });
    expect(subjects.subjects).toHaveLength(20);
    const rest = await client.lookupSubjects("acme", "document:shared", "view", "user", undefined, {
      cursor: subjects.cursor,
    });
    expect(rest.subjects).toHaveLength(10);
    expect(rest.cursor).toBeNull();
  });

  it("relationship reads page too; a limit above the maximum is a 400 naming the field", async () => {
    const one = await client.readRelationships("acme", { resource: "document", limit: 2_000 });
    expect(one.relationships).toHaveLength(2_000);
    const two = await client.readRelationships("acme", {
      resource: "document",
      limit: 10_000,
      cursor: one.cursor!,
    });
    expect(two.revision).toBe(one.revision);
    const all = [...one.relationships, ...two.relationships].map((r) => r.relationship);
    expect(new Set(all).size).toBe(all.length);
    const tooMany = await s.call("GET", "/v1/tenants/acme/relationships?limit=10001", { token: admin });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain("limit");
    const lookup = await s.call("POST", "/v1/tenants/acme/lookup-resources", {
      token: admin,
      body: { resourceType: "document", permission: "view", subject: "user:ann", cursor: "bogus" },
    });
    expect(lookup.status).toBe(400);
    expect(lookup.body.error.place.field).toBe("cursor");
  });

  it("an import over the line cap is refused with 413 naming the cap, and nothing is written", async () => {
    const before = (await client.readRelationships("globex")).relationships.length;
    const text = "document:x#viewer@user:ann\n".repeat(IMPORT_MAX_LINES + 1);
    const answer = await s.call("POST", "/v1/tenants/globex/import", {
      token: admin,
      body: { relationships: text },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.kind).toBe("too_large");
    expect(answer.body.error.message).toContain("1,000,000 lines");
    expect((await client.readRelationships("globex")).relationships.length).toBe(before);
  }, 60_000);

  it("a body over the import route's byte limit is a 413 that names the limit", async () => {
    const huge = "x".repeat(70 * 1024 * 1024);
    const answer = await s.call("POST", "/v1/tenants/globex/import", {
      token: admin,
      body: { relationships: huge },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toMatch(/larger than [\d,]+ bytes/);
  }, 60_000);

  it("/metrics counts decision log losses by reason and what was recorded", async () => {
    await client.check("acme", { resource: "document:d1", permission: "view", subject: "user:ann" });
    await s.gatehouse.decisionLog?.flush();
    const metrics = await s.call("GET", "/metrics", { token: admin });
    expect(metrics.body).toContain('gatehouse_decisions_dropped_total{reason="store_failed"} 0');
    expect(metrics.body).toMatch(/gatehouse_decisions_recorded_total [1-9]/);
    const decisions = await s.call("GET", "/v1/tenants/acme/decisions", { token: admin });
    expect(decisions.body.lost).toEqual([]);
  });
});
