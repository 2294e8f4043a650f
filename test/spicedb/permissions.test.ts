import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, obj, rel, type SpicedbDoorUnderTest, startDoor, subj, touch } from "./grpc-server.js";

const SCHEMA = `
definition test/user {}
definition test/group {
  relation member: test/user | test/group#member
}
definition test/document {
  relation viewer: test/user | test/user:* | test/group#member
  relation banned: test/user
  permission view = viewer - banned
}
`;

describe("the SpiceDB gRPC door: permissions", () => {
  let door: SpicedbDoorUnderTest;
  let client: ReturnType<SpicedbDoorUnderTest["client"]>;
  let writtenAt: v1.ZedToken;

  beforeAll(async () => {
    door = await startDoor();
    client = door.client(await door.http.token("app", "admin"));
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    const written = await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [
          touch(rel("test/document:readme", "viewer", "test/user:ann")),
          touch(rel("test/document:readme", "viewer", "test/group:eng#member")),
          touch(rel("test/group:eng", "member", "test/user:bob")),
          touch(rel("test/document:public", "viewer", "test/user:*")),
          touch(rel("test/document:public", "banned", "test/user:eve")),
        ],
      }),
    );
    writtenAt = written.writtenAt as v1.ZedToken;
  });
  afterAll(async () => door.close());

  const check = (resource: string, permission: string, user: string, consistency?: v1.Consistency) =>
    client.promises.checkPermission(
      v1.CheckPermissionRequest.create({
        resource: obj("test/document", resource),
        permission,
        subject: subj("test/user", user),
        ...(consistency ? { consistency } : {}),
      }),
    );

  it("answers CheckPermission with each consistency, and a ZedToken carrying the revision", async () => {
    const consistencies = [
      undefined,
      v1.Consistency.create({ requirement: { oneofKind: "minimizeLatency", minimizeLatency: true } }),
      v1.Consistency.create({ requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: writtenAt } }),
      v1.Consistency.create({ requirement: { oneofKind: "atExactSnapshot", atExactSnapshot: writtenAt } }),
      v1.Consistency.create({ requirement: { oneofKind: "fullyConsistent", fullyConsistent: true } }),
    ];
    for (const consistency of consistencies) {
      const ann = await check("readme", "view", "ann", consistency);
      expect(ann.permissionship).toBe(v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION);
      expect(ann.checkedAt?.token).toBe(writtenAt.token);
      expect((await check("readme", "view", "bob", consistency)).permissionship).toBe(
        v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION,
      );
      expect((await check("readme", "view", "eve", consistency)).permissionship).toBe(
        v1.CheckPermissionResponse_Permissionship.NO_PERMISSION,
      );
      expect((await check("public", "view", "eve", consistency)).permissionship).toBe(
        v1.CheckPermissionResponse_Permissionship.NO_PERMISSION,
      );
      expect((await check("public", "view", "zed", consistency)).permissionship).toBe(
        v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION,
      );
    }
  });

  it("refuses what it cannot answer, with the status codes clients branch on", async () => {
    expect((await codeOf(check("readme", "nope", "ann")))?.code).toBe(status.FAILED_PRECONDITION);
    const unknownType = client.promises.checkPermission(
      v1.CheckPermissionRequest.create({
        resource: obj("test/nothing", "x"),
        permission: "view",
        subject: subj("test/user", "ann"),
      }),
    );
    expect((await codeOf(unknownType))?.code).toBe(status.FAILED_PRECONDITION);
    const badId = check("bad id!", "view", "ann");
    expect((await codeOf(badId))?.code).toBe(status.INVALID_ARGUMENT);
    // Caveat context used to be refused here; since the engine evaluates caveats CheckPermission
    // and CheckBulkPermissions take it (on data without caveats it changes nothing).
    const withContext = await client.promises.checkPermission(
      v1.CheckPermissionRequest.create({
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
        resource: obj("test/document", "readme"),
        permission: "view",
        subject: subj("test/user", "ann"),
        context: v1.createStructFromObject({ ip: "10.0.0.1" }),
      }),
    );
    expect(withContext.permissionship).toBe((await check("readme", "view", "ann")).permissionship);
    const bulkWithContext = await client.promises.checkBulkPermissions(
      v1.CheckBulkPermissionsRequest.create({
        items: [
          v1.CheckBulkPermissionsRequestItem.create({
            resource: obj("test/document", "readme"),
            permission: "view",
            subject: subj("test/user", "ann"),
            context: v1.createStructFromObject({ ip: "10.0.0.1" }),
          }),
        ],
      }),
    );
    const answered = bulkWithContext.pairs[0]?.response;
    expect(answered?.oneofKind === "item" && answered.item.permissionship).toBe(withContext.permissionship);
    const foreignToken = v1.Consistency.create({
      requirement: {
        oneofKind: "atLeastAsFresh",
        atLeastAsFresh: { token: "GhUKEzE3MDAwMDAwMDAwMDAwMDAwMDA=" },
      },
    });
    // A SpiceDB token (kept by an application from before the switch) is answered at the head,
    // as SpiceDB answers it (test/spicedb/client-suite-differential.test.ts); it was refused.
    expect((await check("readme", "view", "ann", foreignToken)).permissionship).toBe(
      (await check("readme", "view", "ann")).permissionship,
    );
    const garbled = v1.Consistency.create({
      requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: { token: "not-a-token" } },
    });
    expect((await codeOf(check("readme", "view", "ann", garbled)))?.code).toBe(status.INVALID_ARGUMENT);
  });

  it("answers CheckBulkPermissions per item: a bad item gets its own error, the others their answer", async () => {
    const item = (resource: string, permission: string, user: string) =>
      v1.CheckBulkPermissionsRequestItem.create({
        resource: obj("test/document", resource),
        permission,
        subject: subj("test/user", user),
      });
    const answer = await client.promises.checkBulkPermissions(
      v1.CheckBulkPermissionsRequest.create({
        items: [
          item("readme", "view", "ann"),
          item("readme", "nope", "ann"),
          item("public", "view", "eve"),
          item("readme", "view", "bob"),
        ],
      }),
    );
    expect(answer.checkedAt?.token).toBe(writtenAt.token);
    const shapes = answer.pairs.map((p) =>
      p.response.oneofKind === "item"
        ? p.response.item.permissionship
        : `error ${p.response.oneofKind === "error" ? p.response.error.code : "?"}`,
    );
    expect(shapes).toEqual([
      v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION,
      `error ${status.FAILED_PRECONDITION}`,
      v1.CheckPermissionResponse_Permissionship.NO_PERMISSION,
      v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION,
    ]);
  });

  it("streams LookupResources with a cursor after every result, and a limit", async () => {
    const lookup = (optionalLimit: number, cursor?: v1.Cursor) =>
      client.promises.lookupResources(
        v1.LookupResourcesRequest.create({
          resourceObjectType: "test/document",
          permission: "view",
          subject: subj("test/user", "ann"),
          optionalLimit,
          ...(cursor ? { optionalCursor: cursor } : {}),
        }),
      );
    const all = await lookup(0);
    expect(all.map((r) => r.resourceObjectId)).toEqual(["public", "readme"]);
    const first = await lookup(1);
    expect(first.map((r) => r.resourceObjectId)).toEqual(["public"]);
    const rest = await lookup(0, first[0]?.afterResultCursor);
    expect(rest.map((r) => r.resourceObjectId)).toEqual(["readme"]);
  });

  it("streams LookupSubjects with the wildcard and its exclusions, or without wildcards", async () => {
    const lookup = (resource: string, wildcardOption: v1.LookupSubjectsRequest_WildcardOption) =>
      client.promises.lookupSubjects(
        v1.LookupSubjectsRequest.create({
          resource: obj("test/document", resource),
          permission: "view",
          subjectObjectType: "test/user",
          wildcardOption,
        }),
      );
    const readme = await lookup("readme", v1.LookupSubjectsRequest_WildcardOption.INCLUDE_WILDCARDS);
    expect(readme.map((s) => s.subject?.subjectObjectId)).toEqual(["ann", "bob"]);
    const open = await lookup("public", v1.LookupSubjectsRequest_WildcardOption.INCLUDE_WILDCARDS);
    expect(
      open.map((s) => [s.subject?.subjectObjectId, s.excludedSubjects.map((e) => e.subjectObjectId)]),
    ).toEqual([["*", ["eve"]]]);
    expect(await lookup("public", v1.LookupSubjectsRequest_WildcardOption.EXCLUDE_WILDCARDS)).toEqual([]);
  });
});
