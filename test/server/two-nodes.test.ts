import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenSecret } from "../support/cli.js";
import { postgresUrlForTest } from "../support/postgres.js";
import { type ServeProcess, startServe, stopServe } from "../support/serve-process.js";

/**
 * Two `gatehouse serve` processes on one PostgreSQL: a write through node A is visible through
 * node B to a request that asks for at least the revision A returned, and B follows new
 * revisions by itself (LISTEN/NOTIFY, with polling as the fallback).
 */
const target = await postgresUrlForTest("two_nodes");

describe.skipIf(target.skip)(
  `two nodes on one PostgreSQL${target.skip ? ` (skipped: ${target.reason})` : ""}`,
  () => {
    let a: ServeProcess;
    let b: ServeProcess;
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
      [a, b] = await Promise.all([startServe(store), startServe(store)]);
    }, 60_000);

    afterAll(async () => {
      for (const node of [a, b]) await stopServe(node);
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
      expect(await stopServe(b)).toBe(0);
    });
  },
);
