import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { parseGuards } from "../../src/changes/guards.js";
import { formatPlan } from "../../src/cli/commands/change.js";
import { GatehouseError } from "../../src/model/errors.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { planJson } from "../../src/service/views/change.js";

/**
 * Issue 17, item 17: a change can flip answers for userset subjects only (writing
 * `doc:1#viewer@group:empty#member` gives `group:empty#member` view on doc:1 and no user
 * anything). Plans report them apart from the plain rows, with a count by permission, in the
 * JSON and the text output; guards with `usersets: true` count them.
 */
const SCHEMA = `definition user {}
definition group {
  relation member: user | group#member
}
definition folder {
  relation viewer: user | group#member
  permission view = viewer
}
definition doc {
  relation parent: folder
  relation viewer: user | group#member
  permission view = viewer + parent->view
}
`;

describe("plans of userset subjects", () => {
  let g: Gatehouse;
  beforeEach(async () => {
    g = await Gatehouse.open(":memory:");
    await g.writeSchema(SCHEMA);
    await g.importRelationships(
      "default",
      "group:eng#member@user:ann\ndoc:2#viewer@group:eng#member\nfolder:f#viewer@user:bob",
    );
  });
  afterEach(() => g.close());

  const plan = async (text: string) => {
    const change = await g.changes.propose(parseChangeFile(text, "change.yaml"), {
      tenant: "default",
      actor: "dev",
    });
    return g.changes.plan(change.id, { actor: "dev" });
  };

  it("reports the flip the issue names, where the plain rows say nothing", async () => {
    const { change, plan: p } = await plan(
      "intent: grant\nreason: r\nwrite:\n  - doc:1#viewer@group:empty#member\n",
    );
    expect(p.gained).toEqual([]);
    expect(p.usersets).toEqual({
      gained: [{ tenant: "default", resource: "doc:1", permission: "view", subject: "group:empty#member" }],
      lost: [],
      summary: [{ tenant: "default", resourceType: "doc", permission: "view", gained: 1, lost: 0 }],
    });
    expect(planJson(change, p).usersets.gained).toHaveLength(1);
    const text = formatPlan(change, p);
    expect(text).toContain("userset subjects: 1 gained, 0 lost");
    expect(text).toMatch(/default\s+doc:1\s+view\s+group:empty#member/);
  });

  it("reports nested usersets, a folder's own usersets through an arrow, and losses", async () => {
    const nested = await plan("intent: grant\nreason: r\nwrite:\n  - group:eng#member@group:ops#member\n");
    expect(nested.plan.usersets!.gained.map((r) => `${r.resource} ${r.subject}`)).toEqual([
      "doc:2 group:ops#member",
    ]);
    const arrow = await plan("intent: grant\nreason: r\nwrite:\n  - doc:1#parent@folder:f\n");
    // bob gains view on doc:1 (a plain row), and so do the folder's own usersets.
    expect(arrow.plan.gained.map((r) => r.subject)).toEqual(["user:bob"]);
    expect(arrow.plan.usersets!.gained.map((r) => r.subject)).toEqual(["folder:f#view", "folder:f#viewer"]);
    const revoke = await plan("intent: revoke\nreason: r\ndelete:\n  - doc:2#viewer@group:eng#member\n");
    expect(revoke.plan.lost.map((r) => r.subject)).toEqual(["user:ann"]);
    expect(revoke.plan.usersets!.lost.map((r) => r.subject)).toEqual(["group:eng#member"]);
  });

  it("guards count userset rows with `usersets: true`, and only then", async () => {
    await g.changes.writeGuards(
      "guards:\n  - name: plain\n    kind: max-gain\n    subjects: 0\n  - name: all\n    kind: max-gain\n    subjects: 0\n    usersets: true\n  - name: neutral\n    kind: access-neutral\n    intents: [grant]\n    usersets: true\n",
      { actor: "sec" },
    );
    const { plan: p } = await plan("intent: grant\nreason: r\nwrite:\n  - doc:1#viewer@group:empty#member\n");
    expect(p.guards.map((x) => [x.name, x.passed, x.message])).toEqual([
      ["plain", true, "0 subjects and 0 resources gain access, within the limits"],
      ["all", false, "1 subjects would gain access, more than the limit of 0"],
      ["neutral", false, expect.stringContaining("`group:empty#member`")],
    ]);
    expect(p.blocked).toBe(true);
  });

  it("refuses a `usersets` that is not a boolean, naming the place", () => {
    let error: unknown;
    try {
      parseGuards(
        "guards:\n  - name: a\n    kind: max-loss\n    subjects: 1\n    usersets: yes please\n",
        "g.yaml",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).message).toBe("`usersets` must be `true` or `false`");
    expect((error as GatehouseError).place).toMatchObject({ file: "g.yaml", line: 5 });
  });
});

/**
 * Userset rows over caveated data are three-valued like the plain rows: a userset granted only
 * under a caveat is a conditional gain (which caveat, what is missing), and a caveat taken off is
 * a gain that was conditional. Before, they were two-valued: the conditional grant was no row.
 */
describe("plans of userset subjects over caveated data", () => {
  const CAVEATED = `caveat on_level(level int) {
  level > 2
}
definition user {}
definition group {
  relation member: user
}
definition doc {
  relation viewer: user | group#member | group#member with on_level
  permission view = viewer
}
`;
  let g: Gatehouse;
  beforeEach(async () => {
    g = await Gatehouse.open(":memory:");
    await g.writeSchema(CAVEATED);
    await g.importRelationships(
      "default",
      "group:eng#member@user:ann\ndoc:2#viewer@group:ops#member[on_level]",
    );
  });
  afterEach(() => g.close());

  const plan = async (text: string) => {
    const change = await g.changes.propose(parseChangeFile(text, "change.yaml"), {
      tenant: "default",
      actor: "dev",
    });
    return (await g.changes.plan(change.id, { actor: "dev" })).plan;
  };

  it("reports a conditional userset gain with its caveat, and a caveat taken off as a gain that was conditional", async () => {
    const conditional = await plan(
      "intent: grant\nreason: r\nwrite:\n  - doc:1#viewer@group:empty#member[on_level]\n",
    );
    expect(conditional.usersets?.gained).toEqual([
      {
        tenant: "default",
        resource: "doc:1",
        permission: "view",
        subject: "group:empty#member",
        conditional: { caveats: [{ name: "on_level" }], missing: ["level"] },
      },
    ]);
    expect(conditional.usersets?.summary).toEqual([
      { tenant: "default", resourceType: "doc", permission: "view", gained: 1, lost: 0 },
    ]);

    const uncaveated = await plan(
      "intent: migration\nreason: r\nwrite:\n  - doc:2#viewer@group:ops#member\ndelete:\n  - doc:2#viewer@group:ops#member[on_level]\n",
    );
    expect(uncaveated.usersets?.gained).toEqual([
      {
        tenant: "default",
        resource: "doc:2",
        permission: "view",
        subject: "group:ops#member",
        wasConditional: { caveats: [{ name: "on_level" }], missing: ["level"] },
      },
    ]);
    expect(uncaveated.usersets?.lost).toEqual([]);

    const removed = await plan("intent: revoke\nreason: r\ndelete:\n  - doc:2#viewer@group:ops#member\n");
    expect(removed.usersets?.lost).toEqual([
      {
        tenant: "default",
        resource: "doc:2",
        permission: "view",
        subject: "group:ops#member",
        conditional: { caveats: [{ name: "on_level" }], missing: ["level"] },
      },
    ]);
  });
});
