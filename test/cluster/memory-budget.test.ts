import { describe, expect, it } from "vitest";
import { MemoryBudget, parseMemoryBudget } from "../../src/cluster/memory-budget.js";

function indexes(sizes: Record<string, number>) {
  const loaded = new Map(Object.entries(sizes).map(([tenant, size]) => [tenant, { data: { size } }]));
  return {
    loadedTenants: () => [...loaded.keys()],
    loadedIndex: (tenant: string) => loaded.get(tenant),
    dropTenant: (tenant: string) => void loaded.delete(tenant),
    loaded,
  };
}

describe("the memory budget", () => {
  it("estimates relationships held times the bytes of one", () => {
    const budget = new MemoryBudget(indexes({ a: 10, b: 30 }), 1_000, 10);
    expect(budget.estimate()).toBe(400);
    expect(budget.fits(60)).toBe(true);
    expect(budget.fits(61)).toBe(false);
  });

  it("drops the least recently used tenants until the estimate fits, never the one being answered", () => {
    const engine = indexes({ a: 40, b: 40, c: 40 });
    const budget = new MemoryBudget(engine, 800, 10);
    budget.used("a");
    budget.used("b");
    budget.used("c");
    budget.used("a");
    expect(budget.enforce("a")).toEqual(["b"]);
    expect([...engine.loaded.keys()].sort()).toEqual(["a", "c"]);
    expect(budget.evictions).toBe(1);
    expect(budget.enforce("a")).toEqual([]);
  });

  it("drops tenants loaded but never asked for before those asked for", () => {
    const engine = indexes({ warmed: 50, asked: 50 });
    const budget = new MemoryBudget(engine, 500, 10);
    budget.used("asked");
    expect(budget.enforce()).toEqual(["warmed"]);
  });

  it("keeps one tenant bigger than the whole budget while it is answered", () => {
    const engine = indexes({ big: 1_000 });
    const budget = new MemoryBudget(engine, 100, 10);
    budget.used("big");
    expect(budget.enforce("big")).toEqual([]);
    expect(budget.enforce()).toEqual(["big"]);
  });

  it("reads sizes with units, and refuses others naming the flag", () => {
    expect(parseMemoryBudget("512MB")).toBe(512_000_000);
    expect(parseMemoryBudget("2GiB")).toBe(2 * 1024 ** 3);
    expect(parseMemoryBudget("1.5 gb")).toBe(1_500_000_000);
    expect(parseMemoryBudget("4096")).toBe(4096);
    for (const bad of ["", "0", "12 parsecs", "-1MB", "MB"])
      expect(() => parseMemoryBudget(bad)).toThrow(/--memory-budget expects a size/);
  });
});
