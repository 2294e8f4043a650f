import { v1 } from "@authzed/authzed-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, rel, type SpicedbDoorUnderTest, startDoor } from "./grpc-server.js";

const SCHEMA =
  "definition user {}\ndefinition document {\n  relation viewer: user | user:*\n  relation owner: user\n  permission view = viewer + owner\n}";

/**
 * Malformed names and ids in SpiceDB calls are INVALID_ARGUMENT naming the field, as SpiceDB
 * answers them. Before: a relationship filter with a malformed field selected nothing (a read
 * answered empty, a delete answered OK having deleted nothing), a Watch of a malformed type
 * waited for ever, and an import, which writes each relationship as a text line and reads the
 * lines back, imported two relationships from one whose relation held a newline.
 */
describe("SpiceDB calls with malformed fields", () => {
  let door: SpicedbDoorUnderTest;
  let client: ReturnType<SpicedbDoorUnderTest["client"]>;
  const live = () => door.http.gatehouse.readRelationships("default", {});

  beforeAll(async () => {
    door = await startDoor();
    client = door.client(await door.http.token("writer", "admin"));
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
  });
  afterAll(() => door.close());

  const importing = (relationships: v1.Relationship[]) =>
    new Promise<v1.ImportBulkRelationshipsResponse>((resolve, reject) => {
      const stream = client.importBulkRelationships((error, response) =>
        error ? reject(error) : resolve(response as v1.ImportBulkRelationshipsResponse),
      );
      stream.write(v1.ImportBulkRelationshipsRequest.create({ relationships }));
      stream.end();
    });
  const read = (relationshipFilter: Partial<v1.RelationshipFilter>) =>
    client.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create(relationshipFilter),
      }),
    );

  it("an import of a relationship whose relation or caveat name is malformed: refused, nothing written", async () => {
    const smuggled = rel("document:a", "viewer", "user:ann");
    smuggled.relation = "viewer@user:ann\ndocument:b#owner";
    const refused = await codeOf(importing([smuggled]));
    expect(refused?.code).toBe(3);
    expect(refused?.details).toContain("relationships[0].relation");
    const caveated = rel("document:a", "viewer", "user:ann");
    caveated.optionalCaveat = v1.ContextualizedCaveat.create({
      caveatName: "c]\ndocument:b#owner@user:ann[c",
    });
    const refusedCaveat = await codeOf(importing([caveated]));
    expect(refusedCaveat?.code).toBe(3);
    expect(refusedCaveat?.details).toContain("relationships[0].optional_caveat.caveat_name");
    expect(await live()).toEqual([]);
    expect((await importing([rel("document:readme", "viewer", "user:ann")])).numLoaded).toBe("1");
    expect((await importing([rel("document:readme", "viewer", "user:*")])).numLoaded).toBe("1");
  });

  it("a read whose filter names an id no relationship can have: refused, naming the field", async () => {
    expect(await codeOf(read({ resourceType: "document", optionalResourceId: "read me" }))).toEqual({
      code: 3,
      details:
        "`relationship_filter.optional_resource_id`: expected 1 to 1024 letters, digits or `/_|-=+`, got `read me` (7 characters)",
    });
    const long = await codeOf(read({ resourceType: "document", optionalResourceId: "a".repeat(1025) }));
    expect(long?.details).toContain("(1025 characters)");
  });

  it("a delete with a malformed type or subject relation: refused, and nothing is deleted", async () => {
    for (const relationshipFilter of [
      v1.RelationshipFilter.create({ resourceType: "Document" }),
      v1.RelationshipFilter.create({
        resourceType: "document",
        optionalSubjectFilter: v1.SubjectFilter.create({
          subjectType: "user",
          optionalRelation: v1.SubjectFilter_RelationFilter.create({ relation: "X" }),
        }),
      }),
    ]) {
      const deleted = await codeOf(
        client.promises.deleteRelationships(v1.DeleteRelationshipsRequest.create({ relationshipFilter })),
      );
      expect(deleted?.code).toBe(3);
    }
    expect(await live()).toHaveLength(2);
  });

  it("a Watch of a malformed object type is refused at once (it waited for ever)", async () => {
    const stream = client.watch(v1.WatchRequest.create({ optionalObjectTypes: ["document", "Bad Type"] }));
    const ended = await new Promise<{ code: number; details: string } | "still open">((resolve) => {
      // Without the fix nothing ever comes: give up, so that the test fails rather than hangs.
      const timer = setTimeout(() => resolve("still open"), 10_000);
      stream.on("error", (error: { code: number; details: string }) => {
        clearTimeout(timer);
        resolve({ code: error.code, details: error.details });
      });
    });
    stream.cancel();
    expect(ended).toEqual({
      code: 3,
      details: "`optional_object_types[1]`: expected a type name, got `Bad Type`",
    });
  });

  it("still takes well-formed filters: a wildcard subject id and `...`", async () => {
    const found = await read({
      resourceType: "document",
      optionalResourceId: "readme",
      optionalRelation: "viewer",
      optionalSubjectFilter: v1.SubjectFilter.create({
        subjectType: "user",
        optionalSubjectId: "*",
        optionalRelation: v1.SubjectFilter_RelationFilter.create({ relation: "..." }),
      }),
    });
    expect(found).toHaveLength(1);
  });
});
