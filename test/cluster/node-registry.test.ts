import { afterEach, describe, expect, it } from "vitest";
import { NodeRegistry, TIMEOUTS_TO_FORGET } from "../../src/cluster/node-registry.js";
import type { NodeRecord } from "../../src/store/node-records.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";

const row = (id: string, beat: number): NodeRecord => ({
  id,
  url: `http://${id}`,
  grpcUrl: null,
  startedAt: "2026-12-04T00:00:00.000Z",
  beat,
  beatAt: "2026-12-04T00:00:00.000Z",
});

describe("node registry", () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("judges a node live while its beat moves, by its own clock, and gone after the timeout", () => {
    let now = 0;
    const changes: string[][] = [];
    const registry = new NodeRegistry({
      store: undefined as never,
      self: { id: "a", url: "http://a" },
      heartbeatMs: 100,
      timeoutMs: 300,
      clock: () => now,
      onChange: (live) => changes.push(live.map((node) => node.id)),
    });
    registry.observe([row("a", 1), row("b", 7)]);
    expect(registry.live.map((node) => node.id)).toEqual(["a", "b"]);
    now = 250;
    registry.observe([row("a", 2), row("b", 7)]);
    expect(registry.live.map((node) => node.id)).toEqual(["a", "b"]);
    now = 350;
    registry.observe([row("a", 3), row("b", 7)]);
    expect(registry.live.map((node) => node.id)).toEqual(["a"]);
    // b comes back: its beat moved.
    now = 400;
    registry.observe([row("a", 4), row("b", 8)]);
    expect(registry.live.map((node) => node.id)).toEqual(["a", "b"]);
    // b removed its row (a clean stop): gone at once.
    registry.observe([row("a", 5)]);
    expect(changes).toEqual([["a", "b"], ["a"], ["a", "b"], ["a"]]);
    // This node is live even when its own beat fails to move (the store was unreachable).
    now = 10_000;
    registry.observe([row("a", 5)]);
    expect(registry.live.map((node) => node.id)).toEqual(["a"]);
  });

  it("registers, beats and leaves through the store's nodes table", async () => {
    store = await openStore(":memory:");
    const a = new NodeRegistry({
      store,
      self: { id: "a", url: "http://a:1" },
      heartbeatMs: 60_000,
      timeoutMs: 180_000,
    });
    const b = new NodeRegistry({
      store,
      self: { id: "b", url: "http://b:1" },
      heartbeatMs: 60_000,
      timeoutMs: 180_000,
    });
    await a.start();
    await b.start();
    await a.tick();
    expect(a.live.map((node) => [node.id, node.url])).toEqual([
      ["a", "http://a:1"],
      ["b", "http://b:1"],
    ]);
    expect((await store.listNodes()).find((node) => node.id === "a")?.beat).toBe(2);
    await b.stop();
    await a.tick();
    expect(a.live.map((node) => node.id)).toEqual(["a"]);
    await a.stop();
    expect(await store.listNodes()).toEqual([]);
  });

  it("removes the row of a node dead for the forget time, unless it beat meanwhile", async () => {
    store = await openStore(":memory:");
    let now = 0;
    const forgotten: string[] = [];
    const a = new NodeRegistry({
      store,
      self: { id: "a", url: "http://a:1", grpcUrl: "grpc://a:2" },
      heartbeatMs: 100,
      timeoutMs: 300,
      clock: () => now,
      onForget: (node) => forgotten.push(node.id),
    });
    // The default: TIMEOUTS_TO_FORGET node timeouts.
    expect(TIMEOUTS_TO_FORGET * 300).toBe(3_000);
    await store.beatNode({ id: "b", url: "http://b:1", startedAt: "x" });
    await store.beatNode({ id: "c", url: "http://c:1", startedAt: "x" });
    await a.tick();
    expect(a.known.map(({ record }) => record.id)).toEqual(["a", "b", "c"]);
    expect(a.known.find(({ record }) => record.id === "a")?.record.grpcUrl).toBe("grpc://a:2");
    // Dead (past the timeout), not yet forgotten: still listed, not live.
    now = 2_999;
    await store.beatNode({ id: "c", url: "http://c:1", startedAt: "x" });
    await a.tick();
    expect(a.live.map((node) => node.id)).toEqual(["a", "c"]);
    expect(a.known.map(({ record }) => record.id)).toEqual(["a", "b", "c"]);
    now = 3_000;
    await a.tick();
    expect(forgotten).toEqual(["b"]);
    expect((await store.listNodes()).map((node) => node.id)).toEqual(["a", "c"]);
    expect(a.known.map(({ record }) => record.id)).toEqual(["a", "c"]);
    // A node judged dead that beat in between keeps its row.
    const [c] = (await store.listNodes()).filter((node) => node.id === "c");
    await store.beatNode({ id: "c", url: "http://c:1", startedAt: "x" });
    expect(await store.removeDeadNode("c", c!.beat)).toBe(false);
    expect(await store.removeDeadNode("c", c!.beat + 1)).toBe(true);
    expect((await store.listNodes()).map((node) => node.id)).toEqual(["a"]);
  });

  it("refuses a node without an id or address", async () => {
    store = await openStore(":memory:");
    await expect(store.beatNode({ id: "", url: "http://a", startedAt: "x" })).rejects.toThrow(/node id/);
  });
});
