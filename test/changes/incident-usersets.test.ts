import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { parseObject, parseSubject } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

/**
 * Issue 17, item 16: a wildcard grants userset subjects of its type too (`doc:1#viewer@group:*`
 * lets `group:eng#member` view, as SpiceDB answers), so the incident report's "used" list must
 * count their allowed checks, and leave out the usersets that had the access before.
 */
const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition document {
  relation viewer: user | group | group:* | group#member
  relation banned: group#member
  permission view = viewer - banned
}
`;

const check = (resource: string, subject: string) => ({
  resource: parseObject(resource),
  permission: "view",
  subject: parseSubject(subject),
});

const key = (u: { resource: string; subject: string; checks: number }) =>
  `${u.resource}@${u.subject} ×${u.checks}`;

describe("incident report: wildcard grants used by userset subjects", () => {
  let g: Gatehouse;

  beforeEach(async () => {
    g = await Gatehouse.open(":memory:");
    await g.writeSchema(SCHEMA);
    await g.importRelationships(
      "acme",
      "document:spec#viewer@group:ops#member\ngroup:eng#member@user:bob\ndocument:memo#viewer@group:qa#member",
    );
  });
  afterEach(() => g.close());

  const apply = async (tenant: string, text: string) => {
    const id = (await g.changes.propose(parseChangeFile(text, "change.yaml"), { tenant, actor: "dev" })).id;
    await g.changes.plan(id, { actor: "dev" });
    await g.changes.approve(id, { actor: "lead" });
    await g.changes.apply(id, { actor: "dev" });
    return id;
  };

  it("counts the userset checks the wildcard allowed, not those allowed before", async () => {
    const id = await apply(
      "acme",
      "intent: grant\nreason: share with every group\nwrite:\n  - document:spec#viewer@group:*\n",
    );
    for (const subject of [
      "group:eng#member",
      "group:eng#member",
      "group:ops#member",
      "group:eng",
      "group:new#member",
    ])
      expect((await g.check("acme", check("document:spec", subject))).allowed).toBe(true);
    // A check of another document the change did not touch.
    expect((await g.check("acme", check("document:memo", "group:qa#member"))).allowed).toBe(true);
    const report = await g.incidentReport({ change: id });
    const [acme] = report.tenants;
    expect(acme!.gained.map((r) => r.subject)).toEqual(["group:*"]);
    // group:ops#member could view before (its own relationship): not evidence of the change.
    expect(acme!.used.map(key)).toEqual([
      "document:spec@group:eng ×1",
      "document:spec@group:eng#member ×2",
      "document:spec@group:new#member ×1",
    ]);
  });

  it("counts the userset checks a removed wildcard denied", async () => {
    await g.importRelationships("acme", "document:spec#viewer@group:*");
    const id = await apply(
      "acme",
      "intent: revoke\nreason: no more\ndelete:\n  - document:spec#viewer@group:*\n",
    );
    for (const subject of ["group:eng#member", "group:ops#member"])
      await g.check("acme", check("document:spec", subject));
    const report = await g.incidentReport({ change: id });
    expect(report.tenants[0]!.denied.map(key)).toEqual(["document:spec@group:eng#member ×1"]);
  });
});
