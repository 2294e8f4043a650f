import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, createTokenSecret } from "../support/cli.js";
import { postgresUrlForTest } from "../support/postgres.js";

/**
 * Two `gatehouse serve` processes on one PostgreSQL: a write through node A is visible through
 * node B to a request that asks for at least the revision A returned, and B follows new
 * revisions by itself (LISTEN/NOTIFY, with polling as the fallback).
 */
const target = await postgresUrlForTest("two_nodes");

async function startNode(store: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "--store", store, "serve", "--port", "0"], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  for (let i = 0; i < 100; i++) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(stderr);
    if (match) return { process: child, url: match[1]! };
    if (child.exitCode !== null) throw new Error(`node exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`node did not start: ${stderr}`);
}

describe.skipIf(target.skip)(
  `two nodes on one PostgreSQL${target.skip ? ` (skipped: ${target.reason})` : ""}`,
  () => {
    let a: { process: ChildProcess; url: string };
    let b: { process: ChildProcess; url: string };
    let token: string;

    const call = async (node: { url: string }, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${node.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };

    beforeAll(async () => {
      const store = target.url!;
      token = createTokenSecret(store, "app", "admin");
      [a, b] = await Promise.all([startNode(store), startNode(store)]);
    }, 60_000);

    afterAll(async () => {
      for (const node of [a, b]) {
        if (node?.process.exitCode === null) {
          node.process.kill("SIGTERM");
          await once(node.process, "exit");
        }
      }
      await target.drop?.();
    });

    it("a write on node A is answered on node B at that revision", async () => {
      const schema = await call(a, "PUT", "/v1/schema", {
        schema:
          "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
      });
      expect(schema.status).toBe(200);
      for (let i = 0; i < 20; i++) {
        const write = await call(a, "POST", "/v1/tenants/acme/relationships", {
          updates: [{ operation: "create", relationship: `document:d${i}#viewer@user:ann` }],
        });
        expect(write.status).toBe(200);
        const check = await call(b, "POST", "/v1/tenants/acme/check", {
          resource: `document:d${i}`,
          permission: "view",
          subject: "user:ann",
          atLeastRevision: write.body.revision,
        });
        expect(check.body).toEqual({ allowed: true, revision: expect.any(Number), schema: { version: 1 } });
        expect(check.body.revision).toBeGreaterThanOrEqual(write.body.revision);
      }
    });

    it("node B follows new revisions without being asked", async () => {
      const write = await call(a, "POST", "/v1/tenants/acme/relationships", {
        updates: [{ operation: "create", relationship: "document:later#viewer@user:bob" }],
      });
      let seen = false;
      for (let i = 0; i < 50 && !seen; i++) {
        const ready = await (await fetch(`${b.url}/readyz`)).json();
        seen = (ready as { revision: number }).revision >= write.body.revision;
        if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen).toBe(true);
      const check = await call(b, "POST", "/v1/tenants/acme/check", {
        resource: "document:later",
        permission: "view",
        subject: "user:bob",
      });
      expect(check.body.allowed).toBe(true);
    });

    it("a graceful shutdown finishes and exits cleanly", async () => {
      b.process.kill("SIGTERM");
      const [code] = await once(b.process, "exit");
      expect(code).toBe(0);
    });
  },
);
