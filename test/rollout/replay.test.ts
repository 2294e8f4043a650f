import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseObject, parseSubject } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition document {
  relation viewer: user | group#member
  relation banned: user
  permission view = viewer - banned
}
`;

const check = (resource: string, subject: string) => ({
  resource: parseObject(resource),
  permission: "view",
  subject: parseSubject(subject),
});

describe("replay of the decision log", () => {
  let g: Gatehouse;
  let clock = new Date("2030-01-01T00:00:00Z");

  beforeEach(async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    g = await Gatehouse.open(":memory:", { now: () => clock });
    await g.writeSchema(SCHEMA);
    await g.importRelationships(
      "acme",
      [
        "group:eng#member@user:ann",
        "group:eng#member@user:bob",
        "document:spec#viewer@group:eng#member",
        "document:memo#viewer@user:cat",
      ].join("\n"),
    );
    await g.importRelationships("globex", "group:eng#member@user:ann\ndocument:spec#viewer@group:eng#member");
  });
  afterEach(async () => {
    await g.close();
  });

  const propose = async (tenant: string, text: string) =>
    (await g.changes.propose(parseChangeFile(text, "change.yaml"), { tenant, actor: "dev" })).id;

  it("replays a data change on a copy of its tenant's index: who would lose and gain, nothing written", async () => {
    for (const subject of ["user:ann", "user:bob", "user:bob", "user:dan"])
      await g.check("acme", check("document:spec", subject));
    await g.check("acme", check("document:memo", "user:cat"));
    await g.check("globex", check("document:spec", "user:ann"));
    const id = await propose(
      "acme",
      "intent: revoke\nreason: bob leaves eng; dan joins\ndelete:\n  - group:eng#member@user:bob\nwrite:\n  - group:eng#member@user:dan\n",
    );
    const before = g.revision;
    const report = await g.replay(id);
    expect(report).toMatchObject({
      checks: 6,
      distinct: 5,
      evaluated: 4,
      wouldBlock: 2,
      wouldAllow: 1,
      truncated: false,
    });
    expect(report.divergences).toEqual([
      {
        tenant: "acme",
        resource: "document:spec",
        permission: "view",
        subject: "user:bob",
        active: true,
        candidate: false,
        count: 2,
      },
      {
        tenant: "acme",
        resource: "document:spec",
        permission: "view",
        subject: "user:dan",
        active: false,
        candidate: true,
        count: 1,
      },
    ]);
    // The live index and the store are as they were.
    expect(g.revision).toBe(before);
    expect((await g.check("acme", check("document:spec", "user:bob"))).allowed).toBe(true);
    expect((await g.check("acme", check("document:spec", "user:dan"))).allowed).toBe(false);
  });

  it("replays a model change over every tenant, and only the checks of members it changes", async () => {
    await g.check("acme", check("document:spec", "user:ann"));
    await g.check("globex", check("document:spec", "user:ann"));
    await g.check("acme", { ...check("document:spec", "user:ann"), permission: "viewer" });
    const stricter = SCHEMA.replace("permission view = viewer - banned", "permission view = viewer & banned");
    const id = await propose(
      "acme",
      `intent: model\nreason: r\nschema: |\n${stricter.replace(/^/gm, "  ")}\n`,
    );
    const report = await g.replay(id);
    expect(report.evaluated).toBe(2);
    expect(report.divergences.map((d) => `${d.tenant} ${d.subject} ${d.active}->${d.candidate}`)).toEqual([
      "acme user:ann true->false",
      "globex user:ann true->false",
    ]);
  });

  it("replays a candidate's own rollout answers as questions, never as the active schema's answers", async () => {
    const stricter = SCHEMA.replace("permission view = viewer - banned", "permission view = viewer & banned");
    const id = await propose(
      "acme",
      `intent: model\nreason: r\nschema: |\n${stricter.replace(/^/gm, "  ")}\n`,
    );
    // The plan's time is this clock's, the approval's the store's (now): plan "before" it.
    clock = new Date("2020-01-01T00:00:00Z");
    await g.changes.plan(id, { actor: "dev" });
    await g.changes.approve(id, { actor: "rev" });
    await g.check("acme", check("document:spec", "user:ann")); // the active schema: allowed
    await g.rollouts.start(id, { actor: "dev", tenants: ["acme"] });
    const during = await g.check("acme", check("document:spec", "user:ann"));
    expect(during).toMatchObject({ allowed: false, schema: { candidate: id } });
    await g.check("globex", check("document:spec", "user:ann"));
    await g.rollouts.rollback({ actor: "dev" });
    const recorded = await g.listDecisions();
    expect(recorded.map((d) => [d.tenant, d.allowed, d.schema])).toEqual([
      ["acme", true, { version: 1 }],
      ["acme", false, { candidate: id }],
      ["globex", true, { version: 1 }],
    ]);
    const report = await g.replay(id);
    expect(report.answeredBy).toEqual({ active: 2, thisCandidate: 1, otherCandidates: 0, unrecorded: 0 });
    // The candidate's denial is not the baseline: the active schema allows, so both acme checks diverge.
    expect(
      report.divergences.map((d) => `${d.tenant} ${d.subject} ${d.active}->${d.candidate} x${d.count}`),
    ).toEqual(["acme user:ann true->false x2", "globex user:ann true->false x1"]);
  });

  it("--since keeps only recent decisions; bad input is refused", async () => {
    await g.check("acme", check("document:spec", "user:bob"));
    clock = new Date("2030-01-01T03:00:00Z");
    await g.check("acme", check("document:spec", "user:ann"));
    const id = await propose(
      "acme",
      "intent: revoke\nreason: r\ndelete:\n  - group:eng#member@user:bob\n  - group:eng#member@user:ann\n",
    );
    expect((await g.replay(id, { since: "1h" })).divergences.map((d) => d.subject)).toEqual(["user:ann"]);
    expect((await g.replay(id, { since: "1d" })).divergences.map((d) => d.subject)).toEqual([
      "user:ann",
      "user:bob",
    ]);
    for (const since of ["", "1x", "h", "0m", "-1h"]) {
      const error = await g.replay(id, { since }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).kind).toBe("input");
    }
    await expect(g.replay(77)).rejects.toThrow("change 77 does not exist");
  });
});
