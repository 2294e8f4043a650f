import { v1 } from "@authzed/authzed-node";
import { type Metadata, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, obj, rel, type SpicedbDoorUnderTest, startDoor, subj, touch } from "./grpc-server.js";

const SCHEMA = `
definition user {}
definition document {
  relation viewer: user
  relation editor: user
  permission view = viewer + editor
}
`;

const NARROWER = SCHEMA.replace("permission view = viewer + editor", "permission view = viewer");
const WIDER = `${SCHEMA}\ndefinition folder {\n  relation viewer: user\n}\n`;

describe("the SpiceDB gRPC door: schema writes through the schema door", () => {
  let door: SpicedbDoorUnderTest;
  let client: ReturnType<SpicedbDoorUnderTest["client"]>;

  beforeAll(async () => {
    door = await startDoor();
    client = door.client(await door.http.token("schema-admin", "admin"));
  });
  afterAll(async () => door.close());

  const check = (user: string, consistency?: v1.Consistency) =>
    client.promises.checkPermission(
      v1.CheckPermissionRequest.create({
        resource: obj("document", "readme"),
        permission: "view",
        subject: subj("user", user),
        ...(consistency ? { consistency } : {}),
      }),
    );

  it("reads NOT_FOUND before any schema, then the schema written", async () => {
    expect((await codeOf(client.promises.readSchema(v1.ReadSchemaRequest.create())))?.code).toBe(
      status.NOT_FOUND,
    );
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    expect((await client.promises.readSchema(v1.ReadSchemaRequest.create())).schemaText).toBe(SCHEMA);
    const bad = await codeOf(
      client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: "definition {" })),
    );
    expect(bad?.code).toBe(status.INVALID_ARGUMENT);
  });

  it("holds back a schema write that takes access away: FAILED_PRECONDITION naming the change, nothing live", async () => {
    await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [
          touch(rel("document:readme", "editor", "user:ed")),
          touch(rel("document:readme", "viewer", "user:vi")),
        ],
      }),
    );
    const trailers = new Promise<Metadata>((resolve) => {
      const call = client.writeSchema(v1.WriteSchemaRequest.create({ schema: NARROWER }), () => undefined);
      call.on("status", (s) => resolve(s.metadata));
    });
    const refused = await codeOf(
      client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: NARROWER })),
    );
    expect(refused?.code).toBe(status.FAILED_PRECONDITION);
    const id = /held back by Gatehouse's guards as change (\d+)/.exec(refused?.details ?? "")?.[1];
    expect(id).toBeDefined();
    expect(refused?.details).toContain(`gatehouse change apply ${id}`);
    const facts = JSON.parse(String((await trailers).get("gatehouse-facts")[0]));
    expect(facts).toMatchObject({ lost: 1 });
    const change = await door.http.gatehouse.changes.get(Number(id));
    expect(change).toMatchObject({ intent: "model", author: "schema-admin" });
    // Nothing went live: ed still views, the schema reads as before.
    expect((await check("ed")).permissionship).toBe(v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION);
    expect((await client.promises.readSchema(v1.ReadSchemaRequest.create())).schemaText).toBe(SCHEMA);
    const audit = await door.http.gatehouse.store.listAudit({ action: "schema.write" });
    expect(audit.at(-1)).toMatchObject({ actor: "schema-admin", details: { applied: false } });
  });

  it("lets a schema write that takes nothing away go live, and refuses an exact snapshot the tenant has moved past", async () => {
    const before = await check("vi");
    const written = await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: WIDER }));
    expect(written.writtenAt?.token).not.toBe(before.checkedAt?.token);
    expect((await client.promises.readSchema(v1.ReadSchemaRequest.create())).schemaText).toBe(WIDER);
    const exact = (token: v1.ZedToken | undefined) =>
      v1.Consistency.create({
        requirement: { oneofKind: "atExactSnapshot", atExactSnapshot: token as v1.ZedToken },
      });
    const stale = await codeOf(check("vi", exact(before.checkedAt)));
    expect(stale?.code).toBe(status.FAILED_PRECONDITION);
    expect(stale?.details).toMatch(/at_exact_snapshot/);
    const now = await check("vi", exact(written.writtenAt));
    expect(now.checkedAt?.token).toBe(written.writtenAt?.token);
  });
});
