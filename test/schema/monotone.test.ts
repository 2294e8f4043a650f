import { describe, expect, it } from "vitest";
import { readOnlyPositively } from "../../src/schema/monotone.js";
import { compileSchema } from "../../src/schema/schema.js";
import { dependentMembers } from "../../src/schema/schema-diff.js";

/** As a plan asks it: the touched relations and every member that reads them. */
const positive = (schema: string, touched: string[]) => {
  const compiled = compileSchema(schema);
  return readOnlyPositively(compiled, dependentMembers(compiled, touched));
};

const DOCS = `definition user {}
definition group {
  relation member: user | group#member
}
definition folder {
  relation parent: folder
  relation viewer: user | group#member
  permission view = viewer + parent->view
}
definition document {
  relation parent: folder
  relation viewer: user | group#member
  relation banned: user | group#member
  permission view = (viewer + parent->view) - banned
}`;

describe("readOnlyPositively: when a plan may skip checks that cannot move", () => {
  it("holds for relations read only through unions and arrows", () => {
    expect(positive(DOCS, ["document#viewer"])).toBe(true);
    expect(positive(DOCS, ["folder#parent"])).toBe(true);
    expect(positive(DOCS, ["folder#viewer"])).toBe(true);
  });

  it("fails for a relation under the subtracted side of an exclusion", () => {
    expect(positive(DOCS, ["document#banned"])).toBe(false);
    // group#member feeds `banned` through a userset, so deleting a member can grant access.
    expect(positive(DOCS, ["group#member"])).toBe(false);
  });

  it("fails through a permission that is subtracted somewhere", () => {
    const schema = `definition user {}
definition doc {
  relation reader: user
  relation blocker: user
  permission blocked = blocker
  permission view = reader - blocked
}`;
    expect(positive(schema, ["doc#blocker"])).toBe(false);
    expect(positive(schema, ["doc#reader"])).toBe(true);
  });

  it("fails for an .all() arrow over the relation or what it computes", () => {
    const schema = `definition user {}
definition team {
  relation member: user
}
definition doc {
  relation team: team
  permission view = team.all(member)
}`;
    expect(positive(schema, ["doc#team"])).toBe(false);
    expect(positive(schema, ["team#member"])).toBe(false);
  });
});
