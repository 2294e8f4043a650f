import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type GatehouseServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { createToken } from "../../src/service/tokens.js";
import { addSpicedbGateway } from "../../src/spicedb/serve-grpc.js";

/** SpiceDB's HTTP gateway paths on the HTTP port, JSON in proto3 mapping, as `gatehouse serve` adds them. */
describe("the SpiceDB HTTP gateway", () => {
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
  });
  afterAll(async () => {
    server.stopFollowing();
    await server.app.close();
    await gatehouse.close();
  });

  const post = async (path: string, body: unknown, secret = token) => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };

  it("writes the schema and relationships, checks and reads, as SpiceDB's gateway does", async () => {
    const schema =
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}\n";
    expect((await post("/v1/schema/write", { schema })).status).toBe(200);
    const written = await post("/v1/relationships/write", {
      updates: ["ann", "bob"].map((u) => ({
        operation: "OPERATION_TOUCH",
        relationship: {
          resource: { objectType: "document", objectId: "readme" },
          relation: "viewer",
          subject: { object: { objectType: "user", objectId: u } },
        },
      })),
    });
    expect(written.status).toBe(200);
    const writtenAt = JSON.parse(written.text).writtenAt;
    expect(writtenAt.token).toBeTruthy();
    const check = await post("/v1/permissions/check", {
      consistency: { atLeastAsFresh: writtenAt },
      resource: { objectType: "document", objectId: "readme" },
      permission: "view",
      subject: { object: { objectType: "user", objectId: "ann" } },
    });
    expect(JSON.parse(check.text)).toEqual({
      checkedAt: writtenAt,
      permissionship: "PERMISSIONSHIP_HAS_PERMISSION",
    });
    // `with_tracing`: SpiceDB's debug trace as proto3 JSON, its result the answer's.
    const traced = JSON.parse(
      (
        await post("/v1/permissions/check", {
          consistency: { atLeastAsFresh: writtenAt },
          resource: { objectType: "document", objectId: "readme" },
          permission: "view",
          subject: { object: { objectType: "user", objectId: "ann" } },
          withTracing: true,
        })
      ).text,
    );
    expect(traced.debugTrace.check).toMatchObject({
      resource: { objectType: "document", objectId: "readme" },
      permission: "viewer",
      permissionType: "PERMISSION_TYPE_RELATION",
      result: "PERMISSIONSHIP_HAS_PERMISSION",
      wasCachedResult: false,
      source: "gatehouse",
    });
    expect(traced.debugTrace.schemaUsed).toContain("definition document");
    const read = await post("/v1/relationships/read", { relationshipFilter: { resourceType: "document" } });
    const lines = read.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.result.relationship.subject.object.objectId)).toEqual(["ann", "bob"]);
    expect((await post("/v1/schema/read", {})).text).toContain("definition document");
  });

  it("answers errors as grpc-gateway does, and is in the OpenAPI document", async () => {
    const unknown = await post("/v1/permissions/check", {
      resource: { objectType: "nothing", objectId: "x" },
      permission: "view",
      subject: { object: { objectType: "user", objectId: "ann" } },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 9 });
    // SpiceDB's ErrorInfo, as grpc-gateway renders it (it had no details).
    expect(JSON.parse(unknown.text).details).toEqual([
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        domain: "authzed.com",
        reason: "ERROR_REASON_UNKNOWN_DEFINITION",
        metadata: { definition_name: "nothing" },
      },
    ]);
    const stranger = await post("/v1/schema/read", {}, "gh_nope");
    expect(stranger.status).toBe(401);
    expect(JSON.parse(stranger.text)).toMatchObject({ code: 16, message: "unknown or revoked token" });
    const malformed = await post("/v1/permissions/check", { nosuchfield: 1 });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text)).toMatchObject({ code: 3 });
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, { post: { operationId: string } }>;
    };
    expect(document.paths["/v1/permissions/check"]?.post.operationId).toBe(
      "spicedbPermissionsServiceCheckPermission",
    );
  });
});
