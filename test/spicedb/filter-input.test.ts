import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type GatehouseServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { createToken } from "../../src/service/tokens.js";
import { addSpicedbGateway } from "../../src/spicedb/serve-grpc.js";

/**
 * A relationship filter with a malformed name or id is INVALID_ARGUMENT naming the field, as
 * SpiceDB answers it; before, it was taken as given and selected nothing: a read answered
 * empty, and a delete "succeeded" having deleted nothing.
 */
describe("a SpiceDB relationship filter with a malformed field", () => {
  let gatehouse: Gatehouse;
  let server: GatehouseServer;
  let url: string;
  let token: string;

  beforeAll(async () => {
    gatehouse = await Gatehouse.open(":memory:");
    server = await buildServer(gatehouse);
    addSpicedbGateway(gatehouse, server);
    url = await server.app.listen({ host: "127.0.0.1", port: 0 });
    token = (await createToken(gatehouse.store, { name: "app", role: "admin", tenants: null, actor: "test" }))
      .secret;
    await gatehouse.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user | user:*\n  permission view = viewer\n}",
    );
    await gatehouse.importRelationships(
      "default",
      "document:readme#viewer@user:ann\ndocument:readme#viewer@user:*",
    );
  });
  afterAll(async () => {
    server.stopFollowing();
    await server.app.close();
    await gatehouse.close();
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      // A Watch that is not refused streams for ever: give up, so that the test fails, not hangs.
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, text: await response.text() };
  };

  it("refuses a read whose filter names an id no relationship can have, naming the field", async () => {
    const read = await post("/v1/relationships/read", {
      relationshipFilter: { resourceType: "document", optionalResourceId: "read me" },
    });
    expect(read.status).toBe(400);
    expect(JSON.parse(read.text)).toEqual({
      code: 3,
      message:
        "`relationship_filter.optional_resource_id`: expected 1 to 1024 letters, digits or `/_|-=+`, got `read me` (7 characters)",
      details: [],
    });
    const long = await post("/v1/relationships/read", {
      relationshipFilter: { resourceType: "document", optionalResourceId: "a".repeat(1025) },
    });
    expect(long.status).toBe(400);
    expect(JSON.parse(long.text).message).toContain("(1025 characters)");
  });

  it("refuses a delete with a malformed type or subject relation, and deletes nothing", async () => {
    for (const relationshipFilter of [
      { resourceType: "Document" },
      {
        resourceType: "document",
        optionalSubjectFilter: { subjectType: "user", optionalRelation: { relation: "X" } },
      },
    ]) {
      const deleted = await post("/v1/relationships/delete", { relationshipFilter });
      expect(deleted.status).toBe(400);
      expect(JSON.parse(deleted.text).code).toBe(3);
    }
    expect(await gatehouse.readRelationships("default", {})).toHaveLength(2);
  });

  it("refuses a Watch of a malformed object type at once (it waited forever, sending nothing)", async () => {
    const watched = await post("/v1/watch", { optionalObjectTypes: ["document", "Bad Type"] });
    expect(watched.status).toBe(400);
    expect(JSON.parse(watched.text)).toEqual({
      code: 3,
      message: '`optional_object_types[1]`: expected a type name, got "Bad Type"',
      details: [],
    });
  });

  it("still takes well-formed filters: a wildcard subject id and `...`", async () => {
    const read = await post("/v1/relationships/read", {
      relationshipFilter: {
        resourceType: "document",
        optionalResourceId: "readme",
        optionalRelation: "viewer",
        optionalSubjectFilter: {
          subjectType: "user",
          optionalSubjectId: "*",
          optionalRelation: { relation: "..." },
        },
      },
    });
    expect(read.status).toBe(200);
    expect(read.text.trim().split("\n")).toHaveLength(1);
  });
});
