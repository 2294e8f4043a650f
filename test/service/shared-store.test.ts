import { afterEach, describe, expect, it } from "vitest";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { workspace } from "../support/cli.js";

/**
 * Two Gatehouse instances on one SQLite file, as two nodes or two `serve --workers` processes
 * are: what one writes, the other must validate against and answer from.
 */
describe("two instances on one store", () => {
  const open: Gatehouse[] = [];
  afterEach(async () => {
    for (const g of open.splice(0)) await g.close();
  });

  it("a write through B right after a schema written through A is validated against that schema", async () => {
    const { store } = workspace();
    const a = await Gatehouse.open(store);
    const b = await Gatehouse.open(store);
    open.push(a, b);
    await a.writeSchema(
      "definition user {}\ndefinition doc {\n  relation viewer: user\n  permission view = viewer\n}",
    );
    // Regression: B validated against the schema it had last seen (none), refusing with
    // "no schema has been written yet", or, after a schema change, accepting what no longer fits.
    const write = await b.writeRelationships("acme", [
      {
        operation: "create",
        relationship: {
          resource: { type: "doc", id: "d1" },
          relation: "viewer",
          subject: { type: "user", id: "ann" },
        },
      },
    ]);
    const check = await a.check(
      "acme",
      { resource: { type: "doc", id: "d1" }, permission: "view", subject: { type: "user", id: "ann" } },
      { atLeastRevision: write.revision },
    );
    expect(check.allowed).toBe(true);

    await a.writeSchema(
      "definition user {}\ndefinition doc {\n  relation viewer: user\n  relation editor: user\n  permission view = viewer + editor\n}",
    );
    const imported = await b.importRelationships("acme", "doc:d2#editor@user:bob\n");
    expect(
      (
        await a.check(
          "acme",
          { resource: { type: "doc", id: "d2" }, permission: "view", subject: { type: "user", id: "bob" } },
          { atLeastRevision: imported.revision },
        )
      ).allowed,
    ).toBe(true);

    await a.writeSchema(
      "definition user {}\ndefinition doc {\n  relation viewer: user\n  relation editor: user\n  relation owner: user\n  permission view = viewer + editor\n}",
    );
    await expect(
      b.writeRelationships("acme", [
        {
          operation: "create",
          relationship: {
            resource: { type: "doc", id: "d3" },
            relation: "owner",
            subject: { type: "group", id: "x" },
          },
        },
      ]),
    ).rejects.toThrow(/group/);
  });
});
