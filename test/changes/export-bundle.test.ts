import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/changes/export-bundle.js";
import { parseRelationship } from "../../src/model/relationship.js";
import type { Store, StoredRelationship } from "../../src/store/store.js";

describe("export bundle", () => {
  it("holds a whole large tenant's history (more rows than a call takes arguments)", async () => {
    const base = parseRelationship("doc:d#viewer@user:u");
    const rows: StoredRelationship[] = Array.from({ length: 300_000 }, (_, i) => ({
      ...base,
      tenant: "acme",
      resource: { type: "doc", id: `d${i}` },
      createdRevision: 2 + (i % 7),
      deletedRevision: 10 + (i % 5),
    }));
    const versions = [1, 5, 12, 20].map((revision, i) => ({
      version: i + 1,
      revision,
      createdAt: "2030-01-01T00:00:00.000Z",
      text: `definition v${i} {}`,
    }));
    const store = {
      relationshipHistory: async () => rows,
      listSchemaVersions: async () => versions,
    } as unknown as Store;
    const bundle = await buildBundle(store, {
      tenant: "acme",
      scope: "tenant",
      target: "acme",
      createdAt: "2030-02-01T00:00:00.000Z",
      deletions: [],
      relationships: [],
    });
    expect(bundle.relationships).toHaveLength(300_000);
    // In force at the first creation (revision 2), and written up to the last deletion (14).
    expect(bundle.schemaVersions.map((v) => v.version)).toEqual([1, 2, 3]);
  });
});
