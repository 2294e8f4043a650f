import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { type SpiceDBHarness, startSpiceDB } from "../support/spicedb.js";

/**
 * Issue 17, item 14: a userset contains itself, so `doc:d0#member` has `view` (= member) on
 * doc:d0 even when no relationship names doc:d0. Checks said so; lookups left it out, because
 * they only walk objects the data knows. Held to SpiceDB, which returns d0.
 */
const SCHEMA = `
definition user {}
definition doc {
  relation member: user | doc#member
  relation editor: user
  permission view = member
  permission read = view + editor
  permission nothing = nil
}
`;
const TUPLES = ["doc:d1#member@user:ann", "doc:d1#member@doc:d2#member"];

describe("lookups include the self-userset of an object without relationships", () => {
  const engine = new Engine(compileSchema(SCHEMA));
  engine.tenant("t").apply(
    TUPLES.map((t) => parseRelationship(t)),
    [],
  );
  let spicedb: SpiceDBHarness;
  beforeAll(async () => {
    spicedb = await startSpiceDB(
      SCHEMA,
      TUPLES.map((t) => parseRelationship(t)),
    );
  }, 60_000);
  afterAll(() => spicedb?.close());

  const cases: Array<[string, string]> = [
    ["view", "member"],
    ["read", "member"],
    ["member", "member"],
    ["nothing", "nothing"],
    ["view", "editor"],
  ];

  it.each(cases)(
    "LookupResources doc %s doc:d0#%s answers as SpiceDB and check do",
    async (permission, relation) => {
      const subject = { type: "doc", id: "d0", relation };
      const ours = engine.lookupResources("t", "doc", permission, subject);
      expect(ours).toEqual(await spicedb.lookupResources("doc", permission, subject));
      const checked = engine.check("t", { resource: { type: "doc", id: "d0" }, permission, subject });
      expect(ours.includes("d0")).toBe(checked);
    },
  );

  it.each(cases)(
    "LookupSubjects doc:d0 %s doc#%s answers as SpiceDB and check do",
    async (permission, relation) => {
      const resource = { type: "doc", id: "d0" };
      const ours = engine.lookupSubjects("t", resource, permission, "doc", relation).map((f) => f.subject.id);
      const theirs = await spicedb.lookupSubjects(resource, permission, "doc", relation);
      expect(theirs).not.toBe("error");
      expect(ours).toEqual((theirs as { subjects: Array<{ id: string }> }).subjects.map((s) => s.id));
      const checked = engine.check("t", {
        resource,
        permission,
        subject: { type: "doc", id: "d0", relation },
      });
      expect(ours.includes("d0")).toBe(checked);
    },
  );

  it("the first cases are the ones the issue names: d0 is found", () => {
    expect(engine.lookupResources("t", "doc", "view", { type: "doc", id: "d0", relation: "member" })).toEqual(
      ["d0"],
    );
    expect(
      engine.lookupSubjects("t", { type: "doc", id: "d0" }, "view", "doc", "member").map((f) => f.subject),
    ).toEqual([{ type: "doc", id: "d0", relation: "member" }]);
  });
});
