import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { postgresUrlForTest } from "../support/postgres.js";
import { codeOf, rel, startDoor, touch } from "./grpc-server.js";

const SCHEMA = `definition test/user {}

definition test/document {
  relation viewer: test/user
}
`;

const postgres = await postgresUrlForTest("bulk_import_conflicts");
afterAll(() => postgres.drop?.());

type Client = ReturnType<typeof v1.NewClient>;

/** One ImportBulkRelationships (or the experimental BulkImportRelationships) of `relationships`. */
function importAll(
  open: (callback: (error: unknown, response?: { numLoaded: string }) => void) => {
    write(m: { relationships: v1.Relationship[] }): void;
    end(): void;
  },
  relationships: v1.Relationship[],
): Promise<{ numLoaded: string }> {
  return new Promise((resolve, reject) => {
    const stream = open((error, response) =>
      error ? reject(error) : resolve(response as { numLoaded: string }),
    );
    stream.write({ relationships });
    stream.end();
  });
}

const ids = async (client: Client) =>
  (
    await client.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create({ resourceType: "test/document" }),
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
      }),
    )
  )
    .map((r) => r.relationship?.resource?.objectId)
    .sort();

/**
 * An import holding a relationship that is live already fails whole with ALREADY_EXISTS, as
 * SpiceDB's does: the official clients' retrying importers (authzed-py's and authzed-go's
 * conflict strategies SKIP, TOUCH and FAIL) branch on that code. It used to succeed, leaving
 * the live one as it was, so SKIP and FAIL did not do what they say.
 */
describe.each([
  ["SQLite", ":memory:"],
  ["PostgreSQL", postgres.url],
] as const)("the SpiceDB door's bulk import on %s", (_name, store) => {
  it.skipIf(store === undefined)(
    "refuses an import holding a live relationship with ALREADY_EXISTS, writing none of it",
    async () => {
      const door = await startDoor(store);
      try {
        const client = door.client(await door.http.token("admin", "admin"));
        await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
        await client.promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({
            updates: [touch(rel("test/document:a", "viewer", "test/user:ann"))],
          }),
        );
        const clash = [
          rel("test/document:b", "viewer", "test/user:ann"),
          rel("test/document:a", "viewer", "test/user:ann"),
        ];
        for (const open of [
          (cb: Parameters<Client["importBulkRelationships"]>[0]) => client.importBulkRelationships(cb),
          (cb: Parameters<Client["bulkImportRelationships"]>[0]) => client.bulkImportRelationships(cb),
        ]) {
          const refused = await codeOf(importAll(open, clash));
          expect(refused?.code).toBe(status.ALREADY_EXISTS);
          // SpiceDB's own message (`CreateRelationshipExistsError`), as the CREATE of a live one gives it.
          expect(refused?.details).toMatch(
            /^could not CREATE relationship `test\/document:a#viewer@test\/user:ann`, as it already existed/,
          );
          expect(await ids(client)).toEqual(["a"]);
        }
        const fresh = await importAll(
          (cb) => client.importBulkRelationships(cb),
          [
            rel("test/document:b", "viewer", "test/user:ann"),
            rel("test/document:c", "viewer", "test/user:ann"),
          ],
        );
        expect(fresh.numLoaded).toBe("2");
        expect(await ids(client)).toEqual(["a", "b", "c"]);
      } finally {
        await door.close();
      }
    },
  );
});
