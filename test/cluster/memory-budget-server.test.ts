import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import { MemoryBudget } from "../../src/cluster/memory-budget.js";
import { buildServer, type GatehouseServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { createToken } from "../../src/service/tokens.js";

/**
 * `--memory-budget` on a real server: answering a tenant past the budget drops the least
 * recently used other tenants' indexes, and a later request for a dropped tenant loads it again
 * and answers as before.
 */
describe("a server with a memory budget", () => {
  let gatehouse: Gatehouse;
  let server: GatehouseServer;
  let client: GatehouseClient;
  let budget: MemoryBudget;

  beforeAll(async () => {
    gatehouse = await Gatehouse.open(":memory:");
    // Room for 10 relationships at 250 B each: one tenant of 6, not two.
    budget = new MemoryBudget(gatehouse.engine, 2_500);
    server = await buildServer(gatehouse, { memoryBudget: budget });
    const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    const { secret } = await createToken(gatehouse.store, {
      name: "t",
      role: "admin",
      tenants: null,
      actor: "test",
    });
    client = new GatehouseClient({ url, token: secret });
    await client.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    );
    for (const tenant of ["a", "b", "c"])
      await client.writeRelationships(
        tenant,
        Array.from({ length: 6 }, (_, i) => ({
          operation: "create" as const,
          relationship: `document:d${i}#viewer@user:ann`,
        })),
      );
  });
  afterAll(async () => {
    server.stopFollowing();
    await server.app.close();
    await gatehouse.close();
  });

  const allowed = async (tenant: string) =>
    (await client.check(tenant, { resource: "document:d3", permission: "view", subject: "user:ann" }))
      .allowed;

  it("keeps only what fits, dropping the least recently used tenant, and loads a dropped one again", async () => {
    expect(await allowed("a")).toBe(true);
    expect(gatehouse.engine.loadedTenants()).toEqual(["a"]);
    expect(await allowed("b")).toBe(true);
    expect(gatehouse.engine.loadedTenants()).toEqual(["b"]);
    expect(await allowed("c")).toBe(true);
    expect(await allowed("a")).toBe(true);
    expect(gatehouse.engine.loadedTenants()).toEqual(["a"]);
    expect(budget.evictions).toBe(3);
    // A write to a dropped tenant is answered, and read back after it is loaded again.
    const write = await client.writeRelationships("b", [
      { operation: "create", relationship: "document:new#viewer@user:ann" },
    ]);
    expect(write.revision).toBeGreaterThan(0);
    expect(
      (await client.check("b", { resource: "document:new", permission: "view", subject: "user:ann" }))
        .allowed,
    ).toBe(true);
    expect(gatehouse.engine.loadedTenants()).toEqual(["b"]);
  });
});
