import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { type SpiceDBHarness, startSpiceDB } from "../support/spicedb.js";

/**
 * LookupSubjects lists a concrete subject only where a concrete relationship puts it in the
 * member's subject set (SpiceDB's subject-set algebra); a subject that only a wildcard reaches is
 * covered by `user:*`, not listed by name. Gatehouse walked every relation from the resource for
 * candidates and so listed `dan` (reached through `banned`) under `viewer`, which has `user:*`.
 * Held to SpiceDB, and to the checks.
 */
const SCHEMA = `
definition user {}
definition folder {
  relation viewer: user | user:*
  permission view = viewer
}
definition doc {
  relation viewer: user | user:*
  relation other: user | user:*
  relation banned: user
  relation parent: folder
  permission view = viewer - banned
  permission both = viewer & parent->view
  permission either = viewer + (other - banned)
  permission unbanned = viewer - (other - banned)
  permission shared = viewer & other
}
`;
const TUPLES = [
  // The issue's example: a wildcard viewer and a banned user.
  "doc:b#viewer@user:*",
  "doc:b#banned@user:dan",
  "doc:b#other@user:*",
  "doc:b#parent@folder:f",
  "folder:f#viewer@user:ann",
  // Concrete on both sides, and a concrete subject next to a wildcard.
  "doc:c#viewer@user:*",
  "doc:c#viewer@user:eve",
  "doc:c#other@user:eve",
  "doc:c#other@user:fay",
  "doc:c#banned@user:fay",
  "doc:c#parent@folder:g",
  "folder:g#viewer@user:*",
  "folder:g#viewer@user:gus",
];

describe("LookupSubjects with wildcards lists what SpiceDB lists", () => {
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

  const shown = (subjects: ReadonlyArray<{ id: string; excluded?: readonly string[] }>) =>
    subjects.map((s) => `${s.id}${s.excluded?.length ? `-[${[...s.excluded].sort()}]` : ""}`).sort();

  const cases: Array<[string, string]> = [];
  for (const id of ["b", "c"])
    for (const p of ["viewer", "banned", "other", "view", "both", "either", "unbanned", "shared"])
      cases.push([id, p]);

  it.each(cases)("doc:%s %s", async (id, permission) => {
    const resource = { type: "doc", id };
    const found = engine.lookupSubjects("t", resource, permission, "user");
    const ours = shown(found.map((f) => ({ id: f.subject.id, excluded: f.excluded.map((e) => e.id) })));
    const theirs = await spicedb.lookupSubjects(resource, permission, "user");
    expect(theirs).not.toBe("error");
    expect(ours).toEqual(
      shown((theirs as { subjects: Array<{ id: string; excluded?: string[] }> }).subjects),
    );
    // Every subject listed by name has the permission.
    for (const f of found)
      if (f.subject.id !== "*")
        expect(engine.check("t", { resource, permission, subject: f.subject })).toBe(true);
  });
});
