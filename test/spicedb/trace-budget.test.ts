import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { rel, type SpicedbDoorUnderTest, startDoor, touch } from "./grpc-server.js";

/**
 * `with_tracing` on CheckBulkPermissions: each item's trace is an explanation, bounded on its
 * own, but a request of many items over data whose objects reach the same objects by many paths
 * (a diamond of folders: each with two parents, each of two parents) multiplies it. The traces of
 * one request share one budget (MAX_TRACED_STEPS); past it the call is RESOURCE_EXHAUSTED.
 */

const SCHEMA = `definition test/user {}

definition test/folder {
  relation viewer: test/user
  relation parent: test/folder
  permission view = viewer + parent->view
}`;

/** Folders `l{i}a`, `l{i}b`, each the child of both folders of the next level. */
function diamond(levels: number): v1.Relationship[] {
  const out: v1.Relationship[] = [];
  for (let i = 0; i < levels; i++)
    for (const a of ["a", "b"])
      for (const b of ["a", "b"])
        out.push(rel(`test/folder:l${i}${a}`, "parent", `test/folder:l${i + 1}${b}`));
  out.push(rel(`test/folder:l${levels}a`, "viewer", "test/user:deep"));
  return out;
}

const item = (user: string) =>
  v1.CheckBulkPermissionsRequestItem.create({
    resource: v1.ObjectReference.create({ objectType: "test/folder", objectId: "l0a" }),
    permission: "view",
    subject: v1.SubjectReference.create({
      object: v1.ObjectReference.create({ objectType: "test/user", objectId: user }),
    }),
  });

const doors: SpicedbDoorUnderTest[] = [];
afterEach(async () => {
  for (const d of doors.splice(0)) await d.close();
});

describe("CheckBulkPermissions with_tracing", () => {
  it("traces the items of a request within one budget: past it, RESOURCE_EXHAUSTED", async () => {
    const door = await startDoor();
    doors.push(door);
    const client = door.client(await door.http.token("writer", "admin"));
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({ updates: diamond(10).map(touch) }),
    );
    const bulk = (items: v1.CheckBulkPermissionsRequestItem[]) =>
      client.promises.checkBulkPermissions(
        v1.CheckBulkPermissionsRequest.create({ items, withTracing: true }),
      );
    // A few items are traced, each its own answer with its trace.
    const few = await bulk([item("nobody"), item("deep")]);
    expect(
      few.pairs.map((p) =>
        p.response.oneofKind === "item"
          ? [p.response.item.permissionship, p.response.item.debugTrace?.check?.permission]
          : p.response.oneofKind,
      ),
    ).toEqual([
      [v1.CheckPermissionResponse_Permissionship.NO_PERMISSION, "view"],
      [v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION, "view"],
    ]);
    // Many such items: refused whole, not traced for as long as they take.
    const many = Array.from({ length: 400 }, () => item("nobody"));
    await expect(bulk(many)).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringContaining("the traces of this request take more than 1,000,000 steps in all"),
    });
    // The same items without tracing are answered.
    const plain = await client.promises.checkBulkPermissions(
      v1.CheckBulkPermissionsRequest.create({ items: many }),
    );
    expect(plain.pairs).toHaveLength(400);
  }, 120_000);
});
