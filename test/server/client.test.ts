import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseApiError, GatehouseClient } from "../../src/client/client.js";
import { type RunningServer, startServer } from "../support/server.js";

describe("the TypeScript client", () => {
  let s: RunningServer;
  let client: GatehouseClient;

  beforeAll(async () => {
    s = await startServer();
    const admin = await s.token("root", "admin");
    client = new GatehouseClient({ url: s.url, token: admin });
    await client.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    );
  });
  afterAll(() => s.close());

  it("tracks revisions so that every query reads the client's own writes", async () => {
    const { revision } = await client.writeRelationships("acme", [
      { operation: "create", relationship: "document:a#viewer@user:ann" },
    ]);
    expect(client.revision).toBe(revision);
    expect(
      await client.check("acme", { resource: "document:a", permission: "view", subject: "user:ann" }),
    ).toEqual({ allowed: true, revision, schema: { version: 1 } });
    expect(
      (await client.checkMany("acme", [{ resource: "document:a", permission: "view", subject: "user:bob" }]))
        .results,
    ).toEqual([false]);
    expect((await client.lookupResources("acme", "document", "view", "user:ann")).resources).toEqual([
      "document:a",
    ]);
  });

  it("raises typed errors with the server's message", async () => {
    const error = await client
      .check("acme", { resource: "document:a", permission: "edit", subject: "user:ann" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(GatehouseApiError);
    expect(error.status).toBe(400);
    expect(error.body.message).toContain("unknown permission or relation `edit`");
  });
});
