import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseApiError, GatehouseClient } from "../../src/client/client.js";
import { type RunningServer, startServer } from "../support/server.js";

const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition document {
  relation viewer: user with on_level | user with expiration
}
`;

describe("caveats and expiration over HTTP", () => {
  let s: RunningServer;
  let client: GatehouseClient;
  let clock = new Date("2030-01-01T00:00:00Z");

  beforeAll(async () => {
    s = await startServer(":memory:", {}, { now: () => clock });
    client = new GatehouseClient({ url: s.url, token: await s.token("root", "admin") });
    await client.writeSchema(SCHEMA);
  });
  afterAll(() => s.close());

  it("writes and reads them as tuple text, and says which part of which update is malformed", async () => {
    const written = await client.writeRelationships("acme", [
      { operation: "create", relationship: 'document:a#viewer@user:ann[on_level:{"level":3}]' },
      { operation: "create", relationship: "document:a#viewer@user:bob[expiration:2030-01-02T00:00:00Z]" },
    ]);
    expect(written.created).toEqual([
      'document:a#viewer@user:ann[on_level:{"level":3}]',
      "document:a#viewer@user:bob[expiration:2030-01-02T00:00:00Z]",
    ]);
    const bad = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: await s.token("writer", "write"),
      body: {
        updates: [
          { operation: "touch", relationship: "document:a#viewer@user:cat[on_level]" },
          { operation: "touch", relationship: 'document:a#viewer@user:dan[on_level:{"level":}]' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/invalid JSON in the context of caveat `on_level`/);
    expect(bad.body.error.field ?? JSON.stringify(bad.body.error)).toMatch(/updates\[1\]\.relationship/);
    expect((await client.readRelationships("acme")).relationships.map((r) => r.relationship)).toEqual(
      written.created,
    );
  });

  it("takes the caveat and expiration as fields too, and refuses one given twice", async () => {
    const written = await client.writeRelationships("acme", [
      {
        operation: "touch",
        relationship: "document:c#viewer@user:ann",
        caveat: { name: "on_level", context: { level: 4 } },
      },
      {
        operation: "touch",
        relationship: "document:c#viewer@user:bob",
        expiresAt: "2031-01-01T01:00:00+01:00",
      },
    ]);
    expect(written.created).toEqual([
      'document:c#viewer@user:ann[on_level:{"level":4}]',
      "document:c#viewer@user:bob[expiration:2031-01-01T00:00:00Z]",
    ]);
    const twice = await client
      .writeRelationships("acme", [
        {
          operation: "touch",
          relationship: "document:c#viewer@user:cat[on_level]",
          caveat: { name: "on_level" },
        },
      ])
      .catch((e: unknown) => e);
    expect((twice as GatehouseApiError).status).toBe(400);
    expect((twice as GatehouseApiError).message).toMatch(
      /already names a caveat .*leave out updates\[0\]\.caveat/,
    );
    const badTime = await client
      .writeRelationships("acme", [
        { operation: "touch", relationship: "document:c#viewer@user:cat", expiresAt: "2031-13-01T00:00:00Z" },
      ])
      .catch((e: unknown) => e);
    expect((badTime as GatehouseApiError).message).toMatch(
      /invalid expiration `2031-13-01T00:00:00Z`: month 13/,
    );
    await client.writeRelationships("acme", [
      { operation: "delete", relationship: "document:c#viewer@user:ann" },
      { operation: "delete", relationship: "document:c#viewer@user:bob" },
    ]);
  });

  it("stops reading an expired relationship at its time, and collects it after the retention window", async () => {
    clock = new Date("2030-01-02T00:00:00Z");
    expect((await client.readRelationships("acme")).relationships.map((r) => r.relationship)).toEqual([
      'document:a#viewer@user:ann[on_level:{"level":3}]',
    ]);
    expect(await client.collectExpired()).toEqual({
      removed: 0,
      expiredBy: "2029-12-03T00:00:00Z",
      days: 30,
    });
    clock = new Date("2030-02-15T00:00:00Z");
    expect(await client.collectExpired("monthly")).toEqual({
      removed: 1,
      expiredBy: "2030-01-16T00:00:00Z",
      days: 30,
    });
    const reader = new GatehouseClient({ url: s.url, token: await s.token("reader", "check") });
    const refused = await reader.collectExpired().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatehouseApiError);
    expect((refused as GatehouseApiError).status).toBe(403);
  });

  it("refuses a schema that would no longer allow the caveat live relationships carry", async () => {
    const refused = await client
      .writeSchema(SCHEMA.replace("user with on_level | user with expiration", "user | user with expiration"))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatehouseApiError);
    expect((refused as GatehouseApiError).message).toMatch(
      /the new schema does not allow `document#viewer@user with on_level`, which 1 live relationship use/,
    );
  });
});
