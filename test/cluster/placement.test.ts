import { describe, expect, it } from "vitest";
import { copiesOf, holdersOf, parseReplicas, placeTenants, rankNodes } from "../../src/cluster/placement.js";

const tenants = Array.from({ length: 30 }, (_, i) => `tenant-${i}`);
const nodes = [{ id: "node-a" }, { id: "node-b" }, { id: "node-c" }];

function share(placement: Map<string, string[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const holders of placement.values()) for (const id of holders) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

describe("placement by rendezvous hashing", () => {
  it("is the same whatever order the nodes are listed in", () => {
    const reversed = [...nodes].reverse();
    for (const tenant of tenants) expect(holdersOf(tenant, reversed, 2)).toEqual(holdersOf(tenant, nodes, 2));
  });

  it("spreads 30 tenants over 3 nodes with one copy each: every node holds some, none more than half", () => {
    const counts = share(placeTenants(tenants, nodes, 1));
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(30);
    for (const node of nodes) {
      expect(counts[node.id]).toBeGreaterThanOrEqual(5);
      expect(counts[node.id]).toBeLessThanOrEqual(15);
    }
  });

  it("gives 1.5 copies: about half the tenants a second holder, never the same node twice", () => {
    const placement = placeTenants(tenants, nodes, 1.5);
    const twice = [...placement.values()].filter((holders) => holders.length === 2).length;
    expect(twice).toBeGreaterThanOrEqual(8);
    expect(twice).toBeLessThanOrEqual(22);
    for (const holders of placement.values()) expect(new Set(holders).size).toBe(holders.length);
    expect([...placement.values()].every((holders) => holders.length >= 1 && holders.length <= 2)).toBe(true);
  });

  it("moves only the tenants of a node that leaves, each to its next-ranked node", () => {
    for (const replicas of [1, 1.5, 2]) {
      const before = placeTenants(tenants, nodes, replicas);
      const after = placeTenants(
        tenants,
        nodes.filter((node) => node.id !== "node-b"),
        replicas,
      );
      for (const tenant of tenants) {
        const was = before.get(tenant)!;
        const is = after.get(tenant)!;
        // Every holder that is still live keeps the tenant; node-b's place goes to the next one.
        expect(is.slice(0, was.filter((id) => id !== "node-b").length)).toEqual(
          was.filter((id) => id !== "node-b"),
        );
        if (!was.includes("node-b")) expect(is).toEqual(was);
      }
    }
  });

  it("moves to a node that joins only the tenants it now ranks first for", () => {
    const before = placeTenants(tenants, nodes, 1);
    const after = placeTenants(tenants, [...nodes, { id: "node-d" }], 1);
    for (const tenant of tenants)
      if (after.get(tenant)![0] !== "node-d") expect(after.get(tenant)).toEqual(before.get(tenant));
  });

  it("ranks every node for a tenant, holders first", () => {
    const ranked = rankNodes("acme", nodes).map((node) => node.id);
    expect([...ranked].sort()).toEqual(nodes.map((node) => node.id));
    expect(holdersOf("acme", nodes, 2).map((node) => node.id)).toEqual(ranked.slice(0, 2));
    expect(holdersOf("acme", [nodes[0]!], 3)).toEqual([nodes[0]]);
    expect(holdersOf("acme", [], 1)).toEqual([]);
  });

  it("counts copies from the factor", () => {
    expect(copiesOf("acme", 1)).toBe(1);
    expect(copiesOf("acme", 3)).toBe(3);
    expect([1, 2]).toContain(copiesOf("acme", 1.5));
  });

  it("refuses a replication factor that is not a number from 1 to 16, naming the flag", () => {
    expect(parseReplicas("1.5")).toBe(1.5);
    expect(parseReplicas("2")).toBe(2);
    for (const bad of ["0", "0.5", "17", "two", "", "-1"])
      expect(() => parseReplicas(bad)).toThrow(/--replicas expects/);
  });
});
