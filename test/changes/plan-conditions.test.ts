import { beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

/** Plans and applies of change files over caveated and expiring relationships (issue 15.4). */
const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition group {
  relation member: user
}

definition doc {
  relation viewer: user | user with on_level | user with expiration | group#member
  permission view = viewer
}`;

const NOW = new Date("2030-01-01T00:00:00Z");
let g: Gatehouse;
beforeEach(async () => {
  g = await Gatehouse.open(":memory:", { now: () => NOW });
  await g.writeSchema(SCHEMA);
  await g.importRelationships(
    "acme",
    [
      "doc:d1#viewer@user:ann",
      "group:eng#member@user:cid",
      "doc:d1#viewer@group:eng#member",
      "doc:d1#viewer@user:cid[expiration:2031-01-01T00:00:00Z]",
    ].join("\n"),
  );
});

const propose = (text: string) => g.changes.propose(parseChangeFile(text), { tenant: "acme", actor: "dev" });
const ask = async (tuple: string) => {
  const q = parseRelationship(tuple, undefined, "permission");
  return g.check("acme", { resource: q.resource, permission: q.relation, subject: q.subject });
};

describe("plans over caveats and expiration", () => {
  it("a write of a live tuple with a caveat is a replacing touch: a loss of unconditional access, applied as one touch", async () => {
    const change = await propose(
      "intent: migration\nreason: ann only at level 3\nwrite:\n  - doc:d1#viewer@user:ann[on_level]\n",
    );
    const { plan } = await g.changes.plan(change.id, { actor: "dev" });
    expect(plan.data).toEqual({
      writes: ["doc:d1#viewer@user:ann[on_level]"],
      deletes: ["doc:d1#viewer@user:ann"],
    });
    expect(plan.gained).toEqual([]);
    expect(plan.lost).toEqual([
      {
        tenant: "acme",
        resource: "doc:d1",
        permission: "view",
        subject: "user:ann",
        stillConditional: { caveats: [{ name: "on_level" }], missing: ["level"] },
      },
    ]);
    await g.changes.approve(change.id, { actor: "lead", plan: plan.planId! });
    await g.changes.apply(change.id, { actor: "dev" });
    const answer = await ask("doc:d1#view@user:ann");
    expect(answer.allowed).toBe(false);
    expect(answer.conditional).toEqual(["level"]);
  });

  it("the same tuple with the same traits is no change; a plain write over a caveated one is a gain", async () => {
    await g.importRelationships("acme", "doc:d2#viewer@user:bob[on_level]");
    const same = await propose(
      "intent: grant\nreason: again\nwrite:\n  - doc:d2#viewer@user:bob[on_level]\n",
    );
    const samePlan = (await g.changes.plan(same.id, { actor: "dev" })).plan;
    expect(samePlan.data).toEqual({ writes: [], deletes: [] });
    const plain = await propose("intent: grant\nreason: bob always\nwrite:\n  - doc:d2#viewer@user:bob\n");
    const { plan } = await g.changes.plan(plain.id, { actor: "dev" });
    expect(plan.gained.map((r) => [r.subject, r.wasConditional?.missing])).toEqual([["user:bob", ["level"]]]);
    expect(plan.lost).toEqual([]);
  });

  it("a gained row says when an expiring grant ends; an access also granted otherwise does not end then", async () => {
    const change = await propose(
      [
        "intent: grant",
        "reason: contractors",
        "write:",
        "  - doc:d2#viewer@user:dan[expiration:2030-06-01T00:00:00Z]",
        "  - doc:d2#viewer@user:cid[expiration:2030-06-01T00:00:00Z]",
        "  - doc:d2#viewer@group:eng#member",
        "",
      ].join("\n"),
    );
    const { plan } = await g.changes.plan(change.id, { actor: "dev" });
    expect(plan.gained.map((r) => [r.subject, r.until])).toEqual([
      ["user:cid", undefined],
      ["user:dan", "2030-06-01T00:00:00Z"],
    ]);
  });

  it("a direct touch that makes a live grant conditional is a loss to the max-loss guard; a conditional grant is a gain", async () => {
    await g.changes.writeGuards(
      "guards:\n  - name: tight\n    kind: direct-writes\n    max-loss: 0\n  - name: quiet\n    kind: direct-writes\n    access-neutral: [doc#viewer]\n",
      { actor: "security" },
    );
    const touch = (text: string) =>
      g.writeRelationships("acme", [{ operation: "touch", relationship: parseRelationship(text) }], {
        actor: "dev",
      });
    const refused = await touch("doc:d1#viewer@user:ann[on_level]").catch((e) => e);
    expect(refused.message).toContain("guard `tight`");
    expect(refused.message).toContain("user:ann");
    // The access-neutral guard counts a new conditional grant as a gain.
    const gained = await touch("doc:d3#viewer@user:zoe[on_level]").catch((e) => e);
    expect(gained.message).toContain("guard `quiet`");
    expect((await ask("doc:d1#view@user:ann")).allowed).toBe(true);
    expect((await ask("doc:d3#view@user:zoe")).conditional).toBeUndefined();
  });

  it("a subject's deletion and its restore keep caveats and expirations; the restore plans the conditional grant back", async () => {
    await g.importRelationships("acme", "doc:d4#viewer@user:cid[on_level]");
    const land = async (id: number) => {
      const { plan } = await g.changes.plan(id, { actor: "dev" });
      if (plan.blocked) await g.changes.approve(id, { actor: "lead", plan: plan.planId! });
      await g.changes.apply(id, { actor: "dev" });
      return plan;
    };
    const deleted = await land(
      (await g.lifecycle.delete("subject", "user:cid", { tenant: "acme", actor: "dev" })).id,
    );
    expect(deleted.lost.find((r) => r.resource === "doc:d4")?.conditional?.missing).toEqual(["level"]);
    const restore = await g.lifecycle.restore("subject", "user:cid", { tenant: "acme", actor: "dev" });
    const restored = await land(restore.id);
    expect(restored.data.writes).toContain("doc:d4#viewer@user:cid[on_level]");
    expect(restored.data.writes).toContain("doc:d1#viewer@user:cid[expiration:2031-01-01T00:00:00Z]");
    expect((await ask("doc:d4#view@user:cid")).conditional).toEqual(["level"]);
  });
});

/**
 * Under `use self` an object of the region holds access as itself without any relationship
 * naming it, so a conditional plan asks it as a subject there (and only there: elsewhere the
 * unseen subject answers for it, which keeps plans over large regions fast).
 */
describe("conditional plans under `use self`", () => {
  it("report an object's own access through `self` becoming conditional", async () => {
    const h = await Gatehouse.open(":memory:", { now: () => NOW });
    try {
      await h.writeSchema(`use self

caveat on_level(level int) {
  level > 2
}

definition folder {
  relation anyone: doc:*
}

definition doc {
  relation parent: folder | folder with on_level
  permission view = self & parent->anyone
}`);
      await h.importRelationships("acme", "folder:f#anyone@doc:*");
      const change = await h.changes.propose(
        parseChangeFile("intent: grant\nreason: r\nwrite:\n  - doc:d1#parent@folder:f[on_level]\n"),
        { tenant: "acme", actor: "dev" },
      );
      const { plan } = await h.changes.plan(change.id, { actor: "dev" });
      expect(plan.gained).toEqual([
        {
          tenant: "acme",
          resource: "doc:d1",
          permission: "view",
          subject: "doc:d1",
          conditional: { caveats: [{ name: "on_level" }], missing: ["level"] },
        },
      ]);
    } finally {
      await h.close();
    }
  });
});
