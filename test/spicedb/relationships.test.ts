import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeOf,
  rel,
  type SpicedbDoorUnderTest,
  startDoor,
  touch,
  tupleText,
  update,
} from "./grpc-server.js";

const SCHEMA = `
definition test/user {}
definition test/document {
  relation viewer: test/user
  relation owner: test/user
  permission view = viewer + owner
}
`;

const { CREATE, DELETE } = v1.RelationshipUpdate_Operation;
const { MUST_MATCH, MUST_NOT_MATCH } = v1.Precondition_Operation;
const filter = (resourceType: string, optionalResourceId = "", optionalRelation = "") =>
  v1.RelationshipFilter.create({ resourceType, optionalResourceId, optionalRelation });

describe("the SpiceDB gRPC door: relationships", () => {
  let door: SpicedbDoorUnderTest;
  let client: ReturnType<SpicedbDoorUnderTest["client"]>;

  beforeAll(async () => {
    door = await startDoor();
    client = door.client(await door.http.token("writer", "admin"));
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
  });
  afterAll(async () => door.close());

  const read = (f: v1.RelationshipFilter, optionalLimit = 0, optionalCursor?: v1.Cursor) =>
    client.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({
        relationshipFilter: f,
        optionalLimit,
        ...(optionalCursor ? { optionalCursor } : {}),
      }),
    );

  it("writes with preconditions all or nothing, and deleting what is not there is no error", async () => {
    await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: ["a", "b", "c", "d", "e"].map((u) =>
          touch(rel("test/document:one", "viewer", `test/user:${u}`)),
        ),
      }),
    );
    const guarded = (operation: v1.Precondition_Operation, f: v1.RelationshipFilter) =>
      client.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [touch(rel("test/document:one", "owner", "test/user:a"))],
          optionalPreconditions: [v1.Precondition.create({ operation, filter: f })],
        }),
      );
    const failed = await codeOf(guarded(MUST_NOT_MATCH, filter("test/document", "one", "viewer")));
    expect(failed?.code).toBe(status.FAILED_PRECONDITION);
    expect(failed?.details).toMatch(/precondition/);
    expect((await codeOf(guarded(MUST_MATCH, filter("test/document", "two"))))?.code).toBe(
      status.FAILED_PRECONDITION,
    );
    expect(await read(filter("test/document", "one", "owner"))).toEqual([]);
    await guarded(MUST_MATCH, filter("test/document", "one", "viewer"));
    expect(
      (await read(filter("test/document", "one", "owner"))).map((r) => tupleText(r.relationship)),
    ).toEqual(["test/document:one#owner@test/user:a"]);
    // CREATE of a live relationship: ALREADY_EXISTS, and the batch writes nothing.
    const again = client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [
          update(CREATE, rel("test/document:one", "owner", "test/user:z")),
          update(CREATE, rel("test/document:one", "owner", "test/user:a")),
        ],
      }),
    );
    expect((await codeOf(again))?.code).toBe(status.ALREADY_EXISTS);
    expect(await read(filter("test/document", "one", "owner"))).toHaveLength(1);
    // DELETE of a relationship that is not there: no error, as in SpiceDB.
    const gone = await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [update(DELETE, rel("test/document:one", "owner", "test/user:nobody"))],
      }),
    );
    expect(gone.writtenAt?.token).toBeTruthy();
    // An unknown relation is FAILED_PRECONDITION; a caveat the schema does not define is
    // INVALID_ARGUMENT, as SpiceDB answers it (no allowed subject carries it).
    const unknown = client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [touch(rel("test/document:one", "editor", "test/user:a"))],
      }),
    );
    expect((await codeOf(unknown))?.code).toBe(status.FAILED_PRECONDITION);
    const caveated = rel("test/document:one", "viewer", "test/user:q");
    caveated.optionalCaveat = { caveatName: "on_weekdays" };
    const refused = await codeOf(
      client.promises.writeRelationships(v1.WriteRelationshipsRequest.create({ updates: [touch(caveated)] })),
    );
    expect(refused?.code).toBe(status.INVALID_ARGUMENT);
    expect(refused?.details).toMatch(/unknown caveat `on_weekdays`.*the schema does not define it/);
  });

  it("reads in pages: a cursor after each result continues right after it, at the first page's revision", async () => {
    const all = await read(filter("test/document", "one", "viewer"));
    expect(all.map((r) => tupleText(r.relationship))).toEqual(
      ["a", "b", "c", "d", "e"].map((u) => `test/document:one#viewer@test/user:${u}`),
    );
    const first = await read(filter("test/document", "one", "viewer"), 2);
    expect(first).toHaveLength(2);
    // A write between pages does not show in later ones.
    await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [touch(rel("test/document:one", "viewer", "test/user:f"))],
      }),
    );
    const rest = await read(filter("test/document", "one", "viewer"), 0, first[0]?.afterResultCursor);
    expect(rest.map((r) => tupleText(r.relationship))).toEqual(
      ["b", "c", "d", "e"].map((u) => `test/document:one#viewer@test/user:${u}`),
    );
    expect(rest[0]?.readAt?.token).toBe(first[0]?.readAt?.token);
  });

  it("deletes by filter through the direct-writes guards; nothing matched is no error; partial deletions", async () => {
    const nothing = await client.promises.deleteRelationships(
      v1.DeleteRelationshipsRequest.create({ relationshipFilter: filter("test/document", "none") }),
    );
    expect(nothing.relationshipsDeletedCount).toBe("0");
    await door.http.gatehouse.changes.writeGuards(
      "guards:\n  - { name: small-deletes, kind: direct-writes, max-deletes: 3 }\n",
      { actor: "test" },
    );
    const tooMany = await codeOf(
      client.promises.deleteRelationships(
        v1.DeleteRelationshipsRequest.create({
          relationshipFilter: filter("test/document", "one", "viewer"),
        }),
      ),
    );
    expect(tooMany?.code).toBe(status.FAILED_PRECONDITION);
    expect(tooMany?.details).toMatch(
      /direct write was refused and nothing was written: guard `small-deletes`/,
    );
    expect(await read(filter("test/document", "one", "viewer"))).toHaveLength(6);
    const overLimit = await codeOf(
      client.promises.deleteRelationships(
        v1.DeleteRelationshipsRequest.create({
          relationshipFilter: filter("test/document", "one", "viewer"),
          optionalLimit: 2,
        }),
      ),
    );
    // SpiceDB's code for it (the delete cannot be done in one transaction as asked).
    expect(overLimit?.code).toBe(status.INVALID_ARGUMENT);
    const partial = await client.promises.deleteRelationships(
      v1.DeleteRelationshipsRequest.create({
        relationshipFilter: filter("test/document", "one", "viewer"),
        optionalLimit: 2,
        optionalAllowPartialDeletions: true,
      }),
    );
    expect(partial.deletionProgress).toBe(v1.DeleteRelationshipsResponse_DeletionProgress.PARTIAL);
    expect(partial.relationshipsDeletedCount).toBe("2");
    expect(
      (await read(filter("test/document", "one", "viewer"))).map((r) => tupleText(r.relationship)),
    ).toEqual(["c", "d", "e", "f"].map((u) => `test/document:one#viewer@test/user:${u}`));
    // Who wrote it: the token's name, through door `spicedb`.
    const [latest] = await door.http.gatehouse.listRevisions({ limit: 1 });
    expect(latest).toMatchObject({ actor: "writer", door: "spicedb", deleted: 2 });
  });

  it("imports and exports in bulk, and Watch streams the changes after a ZedToken in revision order", async () => {
    const before = await client.promises.checkPermission(
      v1.CheckPermissionRequest.create({
        resource: rel("test/document:bulk", "viewer", "test/user:a").resource,
        permission: "view",
        subject: rel("test/document:bulk", "viewer", "test/user:a").subject,
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
      }),
    );
    const imported = await new Promise<v1.ImportBulkRelationshipsResponse>((resolve, reject) => {
      const stream = client.importBulkRelationships((error, response) =>
        error ? reject(error) : resolve(response as v1.ImportBulkRelationshipsResponse),
      );
      stream.write(
        v1.ImportBulkRelationshipsRequest.create({
          relationships: ["a", "b"].map((u) => rel("test/document:bulk", "viewer", `test/user:${u}`)),
        }),
      );
      stream.write(
        v1.ImportBulkRelationshipsRequest.create({
          relationships: [rel("test/document:bulk", "owner", "test/user:c")],
        }),
      );
      stream.end();
    });
    expect(imported.numLoaded).toBe("3");
    const exported = await client.promises.exportBulkRelationships(
      v1.ExportBulkRelationshipsRequest.create({
        optionalRelationshipFilter: filter("test/document", "bulk"),
      }),
    );
    expect(exported.flatMap((batch) => batch.relationships.map(tupleText))).toEqual([
      "test/document:bulk#owner@test/user:c",
      "test/document:bulk#viewer@test/user:a",
      "test/document:bulk#viewer@test/user:b",
    ]);

    const seen: string[] = [];
    const stream = client.watch(
      v1.WatchRequest.create({
        optionalStartCursor: before.checkedAt,
        optionalUpdateKinds: [v1.WatchKind.INCLUDE_RELATIONSHIP_UPDATES, v1.WatchKind.INCLUDE_CHECKPOINTS],
      }),
    );
    let caughtUp: () => void = () => undefined;
    const checkpoint = new Promise<void>((resolve) => {
      caughtUp = resolve;
    });
    const done = new Promise<void>((resolve) => {
      stream.on("data", (response: v1.WatchResponse) => {
        // A checkpoint is also sent while nothing happens (a loaded machine's slow write leaves
        // time for one): one in a row is what the order says.
        if (response.isCheckpoint) {
          if (seen.at(-1) !== "checkpoint") seen.push("checkpoint");
          caughtUp();
        }
        for (const u of response.updates)
          seen.push(`${u.operation === DELETE ? "delete" : "touch"} ${tupleText(u.relationship)}`);
        if (seen.includes("delete test/document:bulk#owner@test/user:c")) resolve();
      });
    });
    stream.on("error", () => undefined);
    // The write after the watch has caught up, so that it follows the checkpoint.
    await checkpoint;
    await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [update(DELETE, rel("test/document:bulk", "owner", "test/user:c"))],
      }),
    );
    await done;
    stream.cancel();
    expect(seen).toEqual([
      "touch test/document:bulk#owner@test/user:c",
      "touch test/document:bulk#viewer@test/user:a",
      "touch test/document:bulk#viewer@test/user:b",
      "checkpoint",
      "delete test/document:bulk#owner@test/user:c",
    ]);
  });
});
