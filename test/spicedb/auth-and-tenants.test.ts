import { v1 } from "@authzed/authzed-node";
import { Metadata, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeOf,
  obj,
  rel,
  type SpicedbDoorUnderTest,
  startDoor,
  subj,
  touch,
  tupleText,
} from "./grpc-server.js";

const SCHEMA = `
definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}
`;

/** Call metadata naming the tenant, as a store-wide token's client sends it. */
function inTenant(tenant: string): Metadata {
  const metadata = new Metadata();
  metadata.set("gatehouse-tenant", tenant);
  return metadata;
}

describe("the SpiceDB gRPC door: tokens, roles and tenants", () => {
  let door: SpicedbDoorUnderTest;
  let admin: ReturnType<SpicedbDoorUnderTest["client"]>;

  beforeAll(async () => {
    door = await startDoor();
    admin = door.client(await door.http.token("root", "admin"));
    await admin.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    for (const tenant of ["acme", "globex"]) {
      const write = v1.WriteRelationshipsRequest.create({
        updates: [touch(rel(`document:${tenant}-doc`, "viewer", "user:ann"))],
      });
      await new Promise((resolve, reject) =>
        admin.writeRelationships(write, inTenant(tenant), (e, r) => (e ? reject(e) : resolve(r))),
      );
    }
  });
  afterAll(async () => door.close());

  const checkRequest = (doc: string) =>
    v1.CheckPermissionRequest.create({
      resource: obj("document", doc),
      permission: "view",
      subject: subj("user", "ann"),
      consistency: v1.Consistency.create({
        requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
      }),
    });

  it("refuses a missing or unknown token with UNAUTHENTICATED, a weak role with PERMISSION_DENIED", async () => {
    const stranger = door.client("gh_not-a-real-token");
    expect((await codeOf(stranger.promises.checkPermission(checkRequest("acme-doc"))))?.code).toBe(
      status.UNAUTHENTICATED,
    );
    const anonymous = door.client("");
    expect((await codeOf(anonymous.promises.readSchema(v1.ReadSchemaRequest.create())))?.code).toBe(
      status.UNAUTHENTICATED,
    );
    const reader = door.client(await door.http.token("reader", "check"));
    expect((await reader.promises.readSchema(v1.ReadSchemaRequest.create())).schemaText).toBe(SCHEMA);
    const write = reader.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({ updates: [touch(rel("document:x", "viewer", "user:bob"))] }),
    );
    expect((await codeOf(write))?.code).toBe(status.PERMISSION_DENIED);
    const writer = door.client(await door.http.token("writer", "write"));
    const schema = await codeOf(
      writer.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA })),
    );
    expect(schema?.code).toBe(status.PERMISSION_DENIED);
    expect(schema?.details).toMatch(/needs `admin`/);
  });

  it("a tenant-limited token acts in its tenant only, and never reads another", async () => {
    const acme = door.client(await door.http.token("acme-app", "admin", ["acme"]));
    // Its only tenant is the default for its calls.
    const own = await acme.promises.checkPermission(checkRequest("acme-doc"));
    expect(own.permissionship).toBe(v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION);
    const other = await acme.promises.checkPermission(checkRequest("globex-doc"));
    expect(other.permissionship).toBe(v1.CheckPermissionResponse_Permissionship.NO_PERMISSION);
    const read = await acme.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create({ resourceType: "document" }),
      }),
    );
    expect(read.map((r) => tupleText(r.relationship))).toEqual(["document:acme-doc#viewer@user:ann"]);
    // Naming another tenant is refused.
    const reach = await new Promise<{ code: number } | undefined>((resolve) =>
      acme.checkPermission(checkRequest("globex-doc"), inTenant("globex"), (e) => resolve(e ?? undefined)),
    );
    expect(reach?.code).toBe(status.PERMISSION_DENIED);
    const exported = await codeOf(
      new Promise((resolve, reject) => {
        const stream = acme.exportBulkRelationships(
          v1.ExportBulkRelationshipsRequest.create({}),
          inTenant("globex"),
        );
        stream.on("data", () => reject(new Error("globex's data reached acme's token")));
        stream.on("error", reject);
        stream.on("end", resolve);
      }),
    );
    expect(exported?.code).toBe(status.PERMISSION_DENIED);
    // The schema reaches every tenant: an admin limited to one tenant may not write it.
    const schema = await codeOf(acme.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA })));
    expect(schema?.code).toBe(status.PERMISSION_DENIED);
    // A store-wide token without the header acts in `default`, which holds nothing here.
    const none = await admin.promises.checkPermission(checkRequest("acme-doc"));
    expect(none.permissionship).toBe(v1.CheckPermissionResponse_Permissionship.NO_PERMISSION);
  });

  it("refusals of valid tokens are audited as the HTTP API's are", async () => {
    const audit = await door.http.gatehouse.store.listAudit({ action: "auth.forbidden" });
    expect(audit.map((a) => a.actor)).toEqual(expect.arrayContaining(["reader", "writer", "acme-app"]));
    expect(audit.find((a) => a.actor === "reader")?.target).toBe(
      "gRPC /authzed.api.v1.PermissionsService/WriteRelationships",
    );
  });

  it("refuses a malformed gatehouse-tenant header with INVALID_ARGUMENT before it reads or loads anything", async () => {
    const gatehouse = door.http.gatehouse;
    const before = [...gatehouse.engine.loadedTenants()].sort();
    const acme = door.client(await door.http.token("acme-bad-header", "admin", ["acme"]));
    const forbidden = (await gatehouse.store.listAudit({ action: "auth.forbidden" })).length;
    const unary = (
      call: (metadata: Metadata, done: (e: { code: number; details: string } | null) => void) => unknown,
      tenant: string,
    ) =>
      new Promise<{ code: number; details: string } | undefined>((resolve) => {
        call(inTenant(tenant), (e) => resolve(e ?? undefined));
      });
    const streamed = (
      start: (metadata: Metadata) => NodeJS.EventEmitter & { cancel(): void },
      tenant: string,
    ) =>
      new Promise<{ code: number; details: string } | undefined>((resolve) => {
        const stream = start(inTenant(tenant));
        const timer = setTimeout(() => {
          stream.cancel();
          resolve(undefined);
        }, 1000);
        stream.on("data", () => {});
        stream.on("error", (e: { code: number; details: string }) => {
          clearTimeout(timer);
          resolve(e);
        });
        stream.on("end", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    for (const tenant of ["Acme", "../acme", "acme/x", "-acme", "a".repeat(65), "acme\\x"]) {
      for (const client of [admin, acme]) {
        const answers = [
          await unary((m, d) => client.checkPermission(checkRequest("acme-doc"), m, d), tenant),
          await unary(
            (m, d) =>
              client.writeRelationships(
                v1.WriteRelationshipsRequest.create({
                  updates: [touch(rel("document:x", "viewer", "user:bob"))],
                }),
                m,
                d,
              ),
            tenant,
          ),
          await streamed(
            (m) =>
              client.readRelationships(
                v1.ReadRelationshipsRequest.create({
                  relationshipFilter: v1.RelationshipFilter.create({ resourceType: "document" }),
                }),
                m,
              ),
            tenant,
          ),
          await streamed((m) => client.watch(v1.WatchRequest.create({}), m), tenant),
        ];
        for (const [i, answer] of answers.entries()) {
          expect(answer?.code, `${JSON.stringify(tenant)} call ${i}`).toBe(status.INVALID_ARGUMENT);
          expect(answer?.details).toMatch(
            /^invalid tenant name `.*`: expected 1 to 64 lowercase letters.*\(gatehouse-tenant\)$/,
          );
        }
      }
    }
    expect([...gatehouse.engine.loadedTenants()].sort()).toEqual(before);
    // Malformed input, not a refusal of the token: nothing audited as forbidden.
    expect((await gatehouse.store.listAudit({ action: "auth.forbidden" })).length).toBe(forbidden);
  });
});
