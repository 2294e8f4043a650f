import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOP_SKEW_MS, HopSigner } from "../../src/cluster/hop.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { gatehouse, workspace } from "../support/cli.js";
import { postgresUrlForTest } from "../support/postgres.js";
import { clusterNodeFlags, type ServeProcess, startServe, stopServe } from "../support/serve-process.js";

describe("a hop's signature", () => {
  const target = { method: "POST", path: "/v1/tenants/a/check" };
  const hop = { node: "node 1;x", client: "::ffff:10.0.0.9" };

  it("verifies for the request it was made for, and for nothing else", () => {
    let now = 1_000_000;
    const signer = new HopSigner("secret", () => now);
    const value = signer.sign(target, hop);
    expect(signer.verify(value, target)).toEqual({ hop });
    expect(new HopSigner("another secret", () => now).verify(value, target).hop).toBeUndefined();
    expect(signer.verify(value, { ...target, method: "PUT" }).hop).toBeUndefined();
    expect(signer.verify(value, { ...target, path: "/v1/tenants/b/check" }).hop).toBeUndefined();
    // Any part changed: the node, the time, the client, the signature.
    const parts = value.split(" ");
    for (const [at, changed] of [
      [1, "node-2"],
      [2, String(now + 1)],
      [3, "10.0.0.1"],
      [4, Buffer.alloc(32).toString("base64url")],
    ] as const) {
      const forged = parts.map((part, i) => (i === at ? changed : part)).join(" ");
      expect(signer.verify(forged, target).hop).toBeUndefined();
    }
    for (const junk of ["node-2", "", "h1 a b c d e", "h1 %E0 1 x y", undefined, ["x", "y"]])
      expect(signer.verify(junk, target).hop).toBeUndefined();
    // Too old, or too far ahead: not honoured, and told as a clock off.
    now += HOP_SKEW_MS + 1;
    expect(signer.verify(value, target)).toEqual({
      hop: undefined,
      stale: { node: hop.node, offMs: HOP_SKEW_MS + 1 },
    });
    now -= 2 * (HOP_SKEW_MS + 1);
    expect(signer.verify(value, target).hop).toBeUndefined();
  });
});

describe("the cluster secret", () => {
  const sameForEveryOpener = async (location: string) => {
    const openers = await Promise.all([Gatehouse.open(location), Gatehouse.open(location)]);
    try {
      const secrets = await Promise.all(
        openers.flatMap((g) => [g.store.clusterSecret(), g.store.clusterSecret()]),
      );
      expect(new Set(secrets).size).toBe(1);
      expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
      return secrets[0]!;
    } finally {
      for (const g of openers) await g.close();
    }
  };

  it("is made once per SQLite store, the same for every opener, another for another store", async () => {
    const { store } = workspace();
    const first = await sameForEveryOpener(store);
    expect(await sameForEveryOpener(store)).toBe(first);
    expect(await sameForEveryOpener(workspace().store)).not.toBe(first);
  });

  it("is made once per PostgreSQL store", async () => {
    const target = await postgresUrlForTest("cluster_secret");
    if (target.skip) return;
    try {
      expect(await sameForEveryOpener(target.url!)).toBe(await sameForEveryOpener(target.url!));
    } finally {
      await target.drop?.();
    }
  });
});

/**
 * Two `serve --cluster` processes on one PostgreSQL. A client that sends the hop header itself
 * once made a node answer (and load into memory) a tenant it does not hold, and the holder's
 * audit of a refused forwarded request named the forwarding node, not the client.
 */
const store = await postgresUrlForTest("cluster_hop");

describe.skipIf(store.skip)(
  `the hop between cluster nodes${store.skip ? ` (skipped: ${store.reason})` : ""}`,
  () => {
    const nodes = new Map<string, ServeProcess>();
    let admin: string;
    const TENANTS = Array.from({ length: 6 }, (_, i) => `t${i}`);
    const SCHEMA =
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}";

    /** One request to a node, from the local address given (the client's address, as the nodes see it). */
    const call = (
      id: string,
      method: string,
      path: string,
      options: { token: string; body?: unknown; headers?: Record<string, string>; from?: string },
    ) => {
      const url = new URL(path, nodes.get(id)!.url);
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      return new Promise<{ status: number; node: string | undefined; body: any }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: `${url.pathname}${url.search}`,
            method,
            localAddress: options.from,
            headers: {
              authorization: `Bearer ${options.token}`,
              ...(body !== undefined ? { "content-type": "application/json" } : {}),
              ...options.headers,
            },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => {
              text += chunk;
            });
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                node: res.headers["x-gatehouse-node"] as string | undefined,
                body: JSON.parse(text),
              }),
            );
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    };
    const placement = async (id: string) =>
      (await call(id, "GET", "/v1/cluster/placement", { token: admin })).body as {
        nodes: { id: string; live: boolean }[];
        tenants: Record<string, string[]>;
        loaded: { tenant: string }[];
      };

    beforeAll(async () => {
      const url = store.url!;
      const created = gatehouse([
        "--store",
        url,
        "--json",
        "token",
        "create",
        "--name",
        "root",
        "--role",
        "admin",
      ]);
      admin = JSON.parse(created.stdout).secret as string;
      const started = await Promise.all(
        ["node-1", "node-2"].map((id) => startServe(url, ["--no-grpc", ...clusterNodeFlags(id)])),
      );
      nodes.set("node-1", started[0]!);
      nodes.set("node-2", started[1]!);
      expect(
        (await call("node-1", "PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } })).status,
      ).toBe(200);
      for (const tenant of TENANTS)
        await call("node-1", "POST", `/v1/tenants/${tenant}/import`, {
          token: admin,
          body: { relationships: `document:d#viewer@user:ann` },
          headers: {},
        });
      for (let i = 0; i < 200; i++) {
        const views = await Promise.all(["node-1", "node-2"].map(placement));
        if (views.every((view) => view.nodes.filter((node) => node.live).length === 2)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 60_000);

    afterAll(async () => {
      for (const node of nodes.values()) await stopServe(node);
      await store.drop?.();
    });

    const theirs = async () => {
      const placed = (await placement("node-1")).tenants;
      return TENANTS.find((tenant) => placed[tenant]![0] === "node-2")!;
    };
    const check = (tenant: string, headers: Record<string, string> = {}) =>
      call("node-1", "POST", `/v1/tenants/${tenant}/check`, {
        token: admin,
        body: { resource: "document:d", permission: "view", subject: "user:ann" },
        headers,
      });

    it("a hop a client sends itself does not make a node answer (or load) a tenant it does not hold", async () => {
      const tenant = await theirs();
      for (const forged of ["node-2", "node-1", `h1 node-2 ${Date.now()} 127.0.0.1 AAAA`]) {
        const answer = await check(tenant, { "x-gatehouse-forwarded-by": forged });
        expect(answer.status).toBe(200);
        expect(answer.body.allowed).toBe(true);
        expect(answer.node).toBe("node-2");
      }
      expect((await placement("node-1")).loaded.map((l) => l.tenant)).not.toContain(tenant);
      // A genuine forward still goes to the holder, and the holder answers it (no second hop).
      const forwarded = await check(tenant);
      expect(forwarded.status).toBe(200);
      expect(forwarded.node).toBe("node-2");
    });

    it("the holder audits the client's address for a forwarded request it refuses, not the forwarding node's", async () => {
      const tenant = await theirs();
      const name = `limited-${tenant}`;
      const created = gatehouse([
        "--store",
        store.url!,
        "--json",
        "token",
        "create",
        "--name",
        name,
        "--role",
        "propose",
        "--tenants",
        tenant,
      ]);
      const limited = JSON.parse(created.stdout).secret as string;
      // A change with `schema:` reaches every tenant: only the holder, once it reads the body, refuses it.
      const refused = await call("node-1", "POST", `/v1/tenants/${tenant}/changes`, {
        token: limited,
        body: { file: `intent: model\nreason: r\nschema: |\n${SCHEMA.replace(/^/gm, "  ")}\n` },
        from: "127.0.0.2",
      });
      expect(refused.status).toBe(403);
      expect(refused.node).toBe("node-2");
      const audit = await call("node-1", "GET", `/v1/audit?action=auth.forbidden&actor=${name}`, {
        token: admin,
      });
      const ips = audit.body.records.map((record: { details: { ip: string } }) => record.details.ip);
      expect(ips).toHaveLength(1);
      expect(ips[0]).toMatch(/(^|:)127\.0\.0\.2$/);
    });
  },
);
