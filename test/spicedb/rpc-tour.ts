import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { expect } from "vitest";
import { codeOf, obj, rel, subj, touch, tupleText, update } from "./grpc-server.js";

type Client = ReturnType<typeof v1.NewClient>;

/** Prefixed type names, as SpiceDB's own tests and many applications use. */
export const TOUR_SCHEMA = `definition tour/user {}

definition tour/group {
  relation member: tour/user
}

definition tour/document {
  relation owner: tour/user
  relation viewer: tour/user | tour/group#member
  permission edit = owner
  permission view = viewer + edit
}
`;

/** The same schema without `viewer` in `view`: a change that takes access away. */
export const NARROWER_SCHEMA = TOUR_SCHEMA.replace(
  "permission view = viewer + edit",
  "permission view = edit",
);

const { CREATE, DELETE } = v1.RelationshipUpdate_Operation;
const HAS = v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION;
const NO = v1.CheckPermissionResponse_Permissionship.NO_PERMISSION;

export const fresh = (token: v1.ZedToken | undefined) =>
  v1.Consistency.create({
    requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: token as v1.ZedToken },
  });

const check = (client: Client, resource: string, permission: string, subject: string, at?: v1.ZedToken) => {
  const r = rel(resource, "x", subject);
  return client.promises.checkPermission(
    v1.CheckPermissionRequest.create({
      resource: r.resource,
      permission,
      subject: r.subject,
      ...(at ? { consistency: fresh(at) } : {}),
    }),
  );
};

const documentFilter = (optionalResourceId = "") =>
  v1.RelationshipFilter.create({ resourceType: "tour/document", optionalResourceId });

/** A client-streaming import (both ImportBulkRelationships and the experimental BulkImportRelationships). */
function importStream<R>(
  open: (callback: (error: unknown, response?: R) => void) => {
    write(m: { relationships: v1.Relationship[] }): void;
    end(): void;
  },
  batches: v1.Relationship[][],
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const stream = open((error, response) => (error ? reject(error) : resolve(response as R)));
    for (const relationships of batches) stream.write({ relationships });
    stream.end();
  });
}

/**
 * Drives every RPC issue 16 lists through the unmodified client, on a store with no schema yet:
 * the schema calls, writes with preconditions, every read and lookup, both bulk imports and
 * exports, the bulk checks, Watch after a write, a delete by filter, and a WriteSchema that the
 * schema door holds back. Each step asserts the answer SpiceDB would give.
 */
export async function tourEveryRpc(client: Client, options: { testing?: boolean } = {}): Promise<void> {
  // SchemaService
  expect((await codeOf(client.promises.readSchema(v1.ReadSchemaRequest.create({}))))?.code).toBe(
    status.NOT_FOUND,
  );
  await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
  expect((await client.promises.readSchema(v1.ReadSchemaRequest.create({}))).schemaText).toBe(TOUR_SCHEMA);

  // WriteRelationships, with preconditions
  const written = await client.promises.writeRelationships(
    v1.WriteRelationshipsRequest.create({
      updates: [
        touch(rel("tour/document:plan", "owner", "tour/user:ann")),
        touch(rel("tour/document:plan", "viewer", "tour/group:eng#member")),
        touch(rel("tour/group:eng", "member", "tour/user:bob")),
      ],
      optionalPreconditions: [
        v1.Precondition.create({
          operation: v1.Precondition_Operation.MUST_NOT_MATCH,
          filter: documentFilter("plan"),
        }),
      ],
    }),
  );
  const refused = await codeOf(
    client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [update(CREATE, rel("tour/document:plan", "viewer", "tour/user:eve"))],
        optionalPreconditions: [
          v1.Precondition.create({
            operation: v1.Precondition_Operation.MUST_MATCH,
            filter: documentFilter("nowhere"),
          }),
        ],
      }),
    ),
  );
  expect(refused?.code).toBe(status.FAILED_PRECONDITION);
  expect(refused?.details).toMatch(/optional_preconditions\[0\].*nothing was written/);

  // CheckPermission, read-your-writes through the write's ZedToken
  const bob = await check(client, "tour/document:plan", "view", "tour/user:bob", written.writtenAt);
  expect(bob.permissionship).toBe(HAS);
  expect(
    (await check(client, "tour/document:plan", "view", "tour/user:eve", written.writtenAt)).permissionship,
  ).toBe(NO);

  // CheckBulkPermissions: one bad item fails alone
  const bulk = await client.promises.checkBulkPermissions(
    v1.CheckBulkPermissionsRequest.create({
      consistency: fresh(written.writtenAt),
      items: [
        v1.CheckBulkPermissionsRequestItem.create({
          resource: obj("tour/document", "plan"),
          permission: "edit",
          subject: subj("tour/user", "ann"),
        }),
        v1.CheckBulkPermissionsRequestItem.create({
          resource: obj("tour/nothing", "plan"),
          permission: "edit",
          subject: subj("tour/user", "ann"),
        }),
      ],
    }),
  );
  expect(bulk.pairs.map((p) => p.response.oneofKind)).toEqual(["item", "error"]);

  // ExperimentalService BulkCheckPermission, the older shape of the same call
  const experimental = await client.promises.bulkCheckPermission(
    v1.BulkCheckPermissionRequest.create({
      consistency: fresh(written.writtenAt),
      items: [
        v1.BulkCheckPermissionRequestItem.create({
          resource: obj("tour/document", "plan"),
          permission: "view",
          subject: subj("tour/user", "bob"),
        }),
      ],
    }),
  );
  const [pair] = experimental.pairs;
  expect(pair?.response.oneofKind === "item" && pair.response.item.permissionship).toBe(HAS);

  // ExpandPermissionTree
  const expanded = await client.promises.expandPermissionTree(
    v1.ExpandPermissionTreeRequest.create({
      consistency: fresh(written.writtenAt),
      resource: obj("tour/document", "plan"),
      permission: "view",
    }),
  );
  expect(expanded.treeRoot?.expandedObject?.objectId).toBe("plan");
  expect(expanded.treeRoot?.treeType.oneofKind).toBe("intermediate");

  // LookupResources and LookupSubjects
  const resources = await client.promises.lookupResources(
    v1.LookupResourcesRequest.create({
      consistency: fresh(written.writtenAt),
      resourceObjectType: "tour/document",
      permission: "view",
      subject: subj("tour/user", "bob"),
    }),
  );
  expect(resources.map((r) => r.resourceObjectId)).toEqual(["plan"]);
  const subjects = await client.promises.lookupSubjects(
    v1.LookupSubjectsRequest.create({
      consistency: fresh(written.writtenAt),
      resource: obj("tour/document", "plan"),
      permission: "view",
      subjectObjectType: "tour/user",
    }),
  );
  expect(subjects.map((s) => s.subject?.subjectObjectId).sort()).toEqual(["ann", "bob"]);

  // ReadRelationships
  const read = await client.promises.readRelationships(
    v1.ReadRelationshipsRequest.create({
      consistency: fresh(written.writtenAt),
      relationshipFilter: documentFilter(),
    }),
  );
  expect(read.map((r) => tupleText(r.relationship))).toEqual([
    "tour/document:plan#owner@tour/user:ann",
    "tour/document:plan#viewer@tour/group:eng#member",
  ]);

  // ImportBulkRelationships and the experimental BulkImportRelationships (client streams)
  const imported = await importStream<v1.ImportBulkRelationshipsResponse>(
    (callback) => client.importBulkRelationships(callback),
    [
      [rel("tour/document:memo", "viewer", "tour/user:cy")],
      [rel("tour/document:memo", "owner", "tour/user:dee")],
    ],
  );
  expect(imported.numLoaded).toBe("2");
  const importedOld = await importStream<v1.BulkImportRelationshipsResponse>(
    (callback) => client.bulkImportRelationships(callback),
    [[rel("tour/document:note", "viewer", "tour/user:cy")]],
  );
  expect(importedOld.numLoaded).toBe("1");

  // ExportBulkRelationships and the experimental BulkExportRelationships
  const exported = await client.promises.exportBulkRelationships(
    v1.ExportBulkRelationshipsRequest.create({
      consistency: v1.Consistency.create({
        requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
      }),
      optionalRelationshipFilter: documentFilter("memo"),
    }),
  );
  expect(exported.flatMap((b) => b.relationships.map(tupleText))).toEqual([
    "tour/document:memo#owner@tour/user:dee",
    "tour/document:memo#viewer@tour/user:cy",
  ]);
  const exportedOld = await client.promises.bulkExportRelationships(
    v1.BulkExportRelationshipsRequest.create({
      consistency: v1.Consistency.create({
        requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
      }),
      optionalRelationshipFilter: documentFilter("note"),
    }),
  );
  expect(exportedOld.flatMap((b) => b.relationships.map(tupleText))).toEqual([
    "tour/document:note#viewer@tour/user:cy",
  ]);

  // Watch after a write: the stream, started at a ZedToken, sees the write made after it
  const head = await check(client, "tour/document:memo", "view", "tour/user:cy");
  await watchSees(
    client,
    head.checkedAt,
    async () => {
      await client.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [update(DELETE, rel("tour/document:memo", "viewer", "tour/user:cy"))],
        }),
      );
    },
    "delete tour/document:memo#viewer@tour/user:cy",
  );

  // DeleteRelationships by filter
  const deleted = await client.promises.deleteRelationships(
    v1.DeleteRelationshipsRequest.create({ relationshipFilter: documentFilter("note") }),
  );
  expect(deleted.relationshipsDeletedCount).toBe("1");
  expect(
    (await check(client, "tour/document:note", "view", "tour/user:cy", deleted.deletedAt)).permissionship,
  ).toBe(NO);

  // WriteSchema through the schema door: taking `viewer` out of `view` would take bob's access
  if (options.testing) {
    // `serve --testing` has no second person to wait for: the schema goes live, as SpiceDB's
    // test server would apply it (planned, approved by `testing-server`, revertible).
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: NARROWER_SCHEMA }));
    expect((await client.promises.readSchema(v1.ReadSchemaRequest.create({}))).schemaText).toBe(
      NARROWER_SCHEMA,
    );
    expect((await check(client, "tour/document:plan", "view", "tour/user:bob")).permissionship).toBe(NO);
    return;
  }
  const held = await codeOf(
    client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: NARROWER_SCHEMA })),
  );
  expect(held?.code).toBe(status.FAILED_PRECONDITION);
  expect(held?.details).toMatch(/held back by Gatehouse's guards as change \d+/);
  expect((await client.promises.readSchema(v1.ReadSchemaRequest.create({}))).schemaText).toBe(TOUR_SCHEMA);
  expect((await check(client, "tour/document:plan", "view", "tour/user:bob")).permissionship).toBe(HAS);
}

/**
 * Watches from `from`, runs `write` once the stream has caught up (its checkpoint), and waits
 * for the update `expected` (`delete TUPLE` or `touch TUPLE`).
 */
export async function watchSees(
  client: Client,
  from: v1.ZedToken | undefined,
  write: () => Promise<void>,
  expected: string,
): Promise<void> {
  const stream = client.watch(
    v1.WatchRequest.create({
      optionalStartCursor: from,
      optionalUpdateKinds: [v1.WatchKind.INCLUDE_RELATIONSHIP_UPDATES, v1.WatchKind.INCLUDE_CHECKPOINTS],
    }),
  );
  const seen: string[] = [];
  let caughtUp: () => void = () => undefined;
  const checkpoint = new Promise<void>((resolve) => {
    caughtUp = resolve;
  });
  const done = new Promise<void>((resolve, reject) => {
    stream.on("data", (response: v1.WatchResponse) => {
      if (response.isCheckpoint) caughtUp();
      for (const u of response.updates)
        seen.push(`${u.operation === DELETE ? "delete" : "touch"} ${tupleText(u.relationship)}`);
      if (seen.includes(expected)) resolve();
    });
    stream.on("error", (error: { code?: number }) => {
      if (error.code !== status.CANCELLED) reject(error);
    });
  });
  try {
    await checkpoint;
    await write();
    await done;
  } finally {
    stream.cancel();
  }
  expect(seen).toContain(expected);
}
