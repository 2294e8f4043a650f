import { afterEach, describe, expect, it } from "vitest";
import { ClusterNode } from "../../src/cluster/cluster-node.js";
import { holdersOf } from "../../src/cluster/placement.js";
import { buildServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { createToken } from "../../src/service/tokens.js";

const quiet = { info: () => {}, warn: () => {} };
const TENANTS = ["a", "b", "c", "d", "e", "f"];

describe("a cluster node's indexes", () => {
  let gatehouse: Gatehouse | undefined;
  let node: ClusterNode | undefined;
  afterEach(async () => {
    await node?.stop();
    await gatehouse?.close();
  });

  const until = async (ready: () => boolean) => {
    for (let i = 0; i < 100 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it("loads the tenants placed on it, and drops one loaded for another node's share at its next heartbeat", async () => {
    gatehouse = await Gatehouse.open(":memory:");
    await gatehouse.writeSchema("definition user {}\ndefinition document {\n  relation viewer: user\n}");
    for (const tenant of TENANTS) await gatehouse.importRelationships(tenant, "document:d#viewer@user:u");
    // Another node, registered and live for as long as the timeout.
    await gatehouse.store.beatNode({ id: "other", url: "http://127.0.0.1:1", startedAt: "x" });
    node = new ClusterNode(gatehouse, { heartbeatMs: 30, timeoutMs: 60_000, replicas: 1 }, quiet);
    await node.start({ id: "self", url: "http://127.0.0.1:2" });
    const nodes = [{ id: "self" }, { id: "other" }];
    const mine = TENANTS.filter((tenant) => holdersOf(tenant, nodes, 1)[0]!.id === "self");
    const theirs = TENANTS.filter((tenant) => !mine.includes(tenant));
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    await until(() => gatehouse!.engine.loadedTenants().length === mine.length);
    expect(gatehouse.engine.loadedTenants().sort()).toEqual(mine);
    // A load for another node's tenant that finishes after the placement was followed (this
    // node answered it itself): it once stayed loaded until the live nodes changed again.
    await gatehouse.loadTenantIndex(theirs[0]!);
    expect(gatehouse.engine.hasTenant(theirs[0]!)).toBe(true);
    await until(() => !gatehouse!.engine.hasTenant(theirs[0]!));
    expect(gatehouse.engine.loadedTenants().sort()).toEqual(mine);
  });
});

describe("a cluster node's server", () => {
  it("answers itself for a holder it cannot reach, and tells a tenant-limited token of its tenants only", async () => {
    const gatehouse = await Gatehouse.open(":memory:");
    await gatehouse.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    );
    for (const tenant of TENANTS) await gatehouse.importRelationships(tenant, "document:d#viewer@user:u");
    // The other node is registered, but nothing listens at its address.
    await gatehouse.store.beatNode({ id: "other", url: "http://127.0.0.1:1", startedAt: "x" });
    const node = new ClusterNode(gatehouse, { heartbeatMs: 60_000, timeoutMs: 120_000, replicas: 1 }, quiet);
    const server = await buildServer(gatehouse, { cluster: node });
    try {
      const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
      await node.start({ id: "self", url });
      const theirs = TENANTS.find(
        (tenant) => holdersOf(tenant, [{ id: "self" }, { id: "other" }], 1)[0]!.id === "other",
      )!;
      const { secret } = await createToken(gatehouse.store, {
        name: "all",
        role: "check",
        tenants: null,
        actor: "t",
      });
      const response = await fetch(`${url}/v1/tenants/${theirs}/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ resource: "document:d", permission: "view", subject: "user:u" }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-gatehouse-node")).toBe("self");
      expect(((await response.json()) as { allowed: boolean }).allowed).toBe(true);

      const limited = await createToken(gatehouse.store, {
        name: "b",
        role: "check",
        tenants: ["b"],
        actor: "t",
      });
      const placement = (await (
        await fetch(`${url}/v1/cluster/placement`, { headers: { authorization: `Bearer ${limited.secret}` } })
      ).json()) as { tenants: Record<string, string[]>; nodes: { id: string }[] };
      expect(Object.keys(placement.tenants)).toEqual(["b"]);
      expect(placement.nodes.map((n) => n.id)).toEqual(["other", "self"]);
    } finally {
      await node.stop();
      server.stopFollowing();
      await server.app.close();
      await gatehouse.close();
    }
  });
});
