import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterNode } from "../../src/cluster/cluster-node.js";
import { holdersOf } from "../../src/cluster/placement.js";
import { buildServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { createToken } from "../../src/service/tokens.js";

const quiet = { info: () => {}, warn: () => {} };
const TENANTS = ["a", "b", "c", "d", "e", "f"];

/** An HTTP listener that records what reaches it and answers `{"from": name}`. */
async function recorder(name: string): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ from: name }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** One raw request whose request target is sent exactly as given (absolute form included). */
function rawPost(base: string, target: string, headers: Record<string, string>, body: string) {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: hostname, port, method: "POST", path: target, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("forwarding to a tenant's holder", () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
  });

  it("goes to the holder's address whatever host an absolute-form request target names", async () => {
    const gatehouse = await Gatehouse.open(":memory:");
    closers.push(() => gatehouse.close());
    await gatehouse.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    );
    const holder = await recorder("holder");
    const elsewhere = await recorder("elsewhere");
    closers.push(
      () => void holder.server.close(),
      () => void elsewhere.server.close(),
    );
    await gatehouse.store.beatNode({ id: "other", url: holder.url, startedAt: "x" });
    const node = new ClusterNode(gatehouse, { heartbeatMs: 60_000, timeoutMs: 120_000, replicas: 1 }, quiet);
    const server = await buildServer(gatehouse, { cluster: node });
    closers.push(async () => {
      await node.stop();
      server.stopFollowing();
      await server.app.close();
    });
    const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    await node.start({ id: "self", url });
    const theirs = TENANTS.find(
      (tenant) => holdersOf(tenant, [{ id: "self" }, { id: "other" }], 1)[0]!.id === "other",
    )!;
    const { secret } = await createToken(gatehouse.store, {
      name: "app",
      role: "check",
      tenants: [theirs],
      actor: "t",
    });
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const body = JSON.stringify({ resource: "document:d", permission: "view", subject: "user:u" });
    const path = `/v1/tenants/${theirs}/check`;

    const absolute = await rawPost(url, `${elsewhere.url}${path}`, headers, body);
    // Before: the node sent the request, token and all, to the host the caller named, and
    // relayed that host's answer.
    expect(elsewhere.seen).toEqual([]);
    expect(absolute).toEqual({ status: 200, body: JSON.stringify({ from: "holder" }) });
    expect(holder.seen).toHaveLength(1);
    // The hop is signed for the path the holder was sent, and names the client's address.
    expect(
      node.hop!.verify(holder.seen[0]!["x-gatehouse-forwarded-by"], { method: "POST", path }).hop,
    ).toEqual({ node: "self", client: "127.0.0.1" });
    expect(holder.seen[0]!.authorization).toBe(`Bearer ${secret}`);
  });
});

describe("forwarding a body when the first holder is down", () => {
  it("retries check lines on the next holder; a streamed import is refused with 503", async () => {
    const gatehouse = await Gatehouse.open(":memory:");
    await gatehouse.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    );
    const up = await recorder("up");
    // A port that was listening and is closed: nothing answers there.
    const gone = await recorder("gone");
    await new Promise((resolve) => gone.server.close(resolve));
    const node = new ClusterNode(gatehouse, { heartbeatMs: 60_000, timeoutMs: 120_000, replicas: 1 }, quiet);
    const server = await buildServer(gatehouse, { cluster: node });
    try {
      const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
      const all = [{ id: "self" }, { id: "n1" }, { id: "n2" }];
      // A tenant whose holder is another node and whose second choice is the third.
      const tenant = TENANTS.find(
        (t) => holdersOf(t, all, 3)[0]!.id !== "self" && holdersOf(t, all, 3)[1]!.id !== "self",
      )!;
      const [first, second] = holdersOf(tenant, all, 3);
      await gatehouse.store.beatNode({ id: first!.id, url: gone.url, startedAt: "x" });
      await gatehouse.store.beatNode({ id: second!.id, url: up.url, startedAt: "x" });
      await node.start({ id: "self", url });
      const { secret } = await createToken(gatehouse.store, {
        name: "app",
        role: "admin",
        tenants: null,
        actor: "t",
      });
      const post = (path: string) =>
        fetch(`${url}/v1/tenants/${tenant}/${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "text/plain" },
          body: "document:d#viewer@user:u\n",
        });
      const lines = await post("checks/text");
      // Before: any text/plain body went to the first holder only, and failed with 503.
      expect(lines.status).toBe(200);
      expect(await lines.json()).toEqual({ from: "up" });
      expect(up.seen).toHaveLength(1);
      const streamed = await post("import/stream");
      expect(streamed.status).toBe(503);
      expect(((await streamed.json()) as { error: { message: string } }).error.message).toMatch(
        /send the import again/,
      );
      expect(up.seen).toHaveLength(1);
    } finally {
      await node.stop();
      server.stopFollowing();
      await server.app.close();
      await gatehouse.close();
      up.server.close();
    }
  });
});

describe("the placement a tenant-limited token reads", () => {
  it("names no other tenant, in the last rebalance either", async () => {
    const gatehouse = await Gatehouse.open(":memory:");
    await gatehouse.writeSchema("definition user {}\ndefinition document {\n  relation viewer: user\n}");
    for (const tenant of TENANTS) await gatehouse.importRelationships(tenant, "document:d#viewer@user:u");
    const node = new ClusterNode(gatehouse, { heartbeatMs: 60_000, timeoutMs: 120_000, replicas: 1 }, quiet);
    const server = await buildServer(gatehouse, { cluster: node });
    try {
      const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
      // Alone in the cluster: it holds and loads every tenant.
      await node.start({ id: "self", url });
      for (let i = 0; i < 200 && node.lastRebalance === undefined; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect([...node.lastRebalance!.loaded].sort()).toEqual(TENANTS);
      const { secret } = await createToken(gatehouse.store, {
        name: "b-only",
        role: "check",
        tenants: ["b"],
        actor: "t",
      });
      const response = await fetch(`${url}/v1/cluster/placement`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      const placement = (await response.json()) as {
        tenants: Record<string, string[]>;
        loaded: { tenant: string }[];
        lastRebalance: { loaded: string[]; dropped: string[] };
      };
      expect(Object.keys(placement.tenants)).toEqual(["b"]);
      expect(placement.loaded.map((l) => l.tenant)).toEqual(["b"]);
      // Before: every tenant this node had loaded, by name.
      expect(placement.lastRebalance.loaded).toEqual(["b"]);
      expect(placement.lastRebalance.dropped).toEqual([]);
    } finally {
      await node.stop();
      server.stopFollowing();
      await server.app.close();
      await gatehouse.close();
    }
  });
});
