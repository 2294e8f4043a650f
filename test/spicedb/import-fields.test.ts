import { v1 } from "@authzed/authzed-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, rel, type SpicedbDoorUnderTest, startDoor } from "./grpc-server.js";

const SCHEMA =
  "definition user {}\ndefinition document {\n  relation viewer: user\n  relation owner: user\n  permission view = viewer + owner\n}";

/**
 * An imported relationship is one relationship, whatever its fields hold. The import wrote each
 * relationship as a text line and read the lines back, and the relation was not checked first:
 * a relation holding a newline and a second relationship's text imported two (or any number of)
 * relationships from one, past the import's line bound, without an error.
 */
describe("ImportBulkRelationships with a malformed relation", () => {
  let door: SpicedbDoorUnderTest;
  let client: ReturnType<SpicedbDoorUnderTest["client"]>;

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

  it("is INVALID_ARGUMENT naming the field, and nothing is written", async () => {
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
    expect(await door.http.gatehouse.readRelationships("default", {})).toEqual([]);
  });

  it("still imports well-formed relationships", async () => {
    expect((await importing([rel("document:a", "viewer", "user:ann")])).numLoaded).toBe("1");
  });
});
