import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";

/**
 * Drill 000 (seeds/000): a cleanup of "duplicate or overlapping permission entries" removed
 * valid ones; users lost access to binders and contracts. Here the correct dedupe plans as
 * access-neutral and applies; the subtly wrong one names exactly who loses what, is blocked,
 * applies only with a second person's approval, and its revert brings every answer back.
 */
const SCHEMA = `definition user {}

definition group {
  relation member: user | group#member
}

definition binder {
  relation owner: user
  relation viewer: user | group#member
  permission view = viewer + owner
}

definition contract {
  relation binder: binder
  relation viewer: user | group#member
  permission view = viewer + binder->view
}
`;

const TENANTS = ["acme", "globex"] as const;
const USERS = ["ann", "bob", "cid", "dan", "eve", "fay", "gus", "hal"];

/** Deterministic data per tenant: groups, binders shared with groups, direct grants that overlap. */
function dataFor(tenant: string): string[] {
  const seed = tenant === "acme" ? 1 : 2;
  const lines = [
    "group:legal#member@user:ann",
    "group:legal#member@user:bob",
    "group:sales#member@user:cid",
    "group:sales#member@group:interns#member",
    "group:interns#member@user:eve",
  ];
  for (let b = 1; b <= 4; b++) {
    lines.push(`binder:b${b}#owner@user:${USERS[(b + seed) % USERS.length]}`);
    lines.push(`binder:b${b}#viewer@group:${b % 2 ? "legal" : "sales"}#member`);
    for (let c = 1; c <= 3; c++) lines.push(`contract:b${b}c${c}#binder@binder:b${b}`);
  }
  // Direct grants duplicating group grants: safe to remove.
  lines.push(
    "binder:b1#viewer@user:ann",
    "binder:b3#viewer@user:bob",
    "binder:b2#viewer@user:cid",
    "binder:b4#viewer@user:eve",
  );
  // Direct grants that are the only path: must stay.
  lines.push("binder:b1#viewer@user:dan", "binder:b2#viewer@user:fay");
  lines.push("contract:b2c1#viewer@user:gus");
  return lines;
}

const DUPLICATES = [
  "binder:b1#viewer@user:ann",
  "binder:b3#viewer@user:bob",
  "binder:b2#viewer@user:cid",
  "binder:b4#viewer@user:eve",
];

let ws: ReturnType<typeof workspace>;
const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);
const ok = (r: CliResult) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
};

/** Every check of the drill's world, in both tenants, as one string per tenant. */
function answers(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tenant of TENANTS) {
    const queries: string[] = [];
    for (let b = 1; b <= 4; b++) {
      for (const u of USERS) {
        queries.push(`binder:b${b}#view@user:${u}`);
        for (let c = 1; c <= 3; c++) queries.push(`contract:b${b}c${c}#view@user:${u}`);
      }
    }
    const result = ok(
      gatehouse(["--store", ws.store, "--tenant", tenant, "permission", "check", "--batch", "-"], {
        input: queries.join("\n"),
      }),
    );
    out[tenant] = result.stdout;
  }
  return out;
}

describe("drill 000: a dedupe cleanup of binder and contract grants", () => {
  let original: Record<string, string>;

  beforeAll(() => {
    ws = workspace();
    ok(run("schema", "write", ws.file("schema.zed", SCHEMA)));
    for (const tenant of TENANTS)
      ok(run("--tenant", tenant, "import", ws.file(`${tenant}.txt`, dataFor(tenant).join("\n"))));
    original = answers();
  });

  it("a correct dedupe plans with no gained and no lost rows, and applies without approval", () => {
    const file = ws.file(
      "dedupe-correct.yaml",
      `tenant: acme\nintent: cleanup\nreason: remove direct grants that duplicate group grants\ndelete:\n${DUPLICATES.map((d) => `  - "${d}"`).join("\n")}\n`,
    );
    const id = ok(run("--as", "ann", "change", "propose", file)).stdout.split("\n")[0]!;
    const plan = JSON.parse(ok(run("--json", "--as", "ann", "change", "plan", id)).stdout);
    expect(plan.gained).toEqual([]);
    expect(plan.lost).toEqual([]);
    expect(plan.data.deletes).toHaveLength(4);
    expect(plan.guards).toContainEqual(
      expect.objectContaining({ name: "cleanup-and-merge-are-access-neutral", passed: true }),
    );
    expect(plan.blocked).toBe(false);
    ok(run("--as", "ann", "change", "apply", id));
    expect(answers()).toEqual(original);
  });

  it("a subtly wrong dedupe names exactly who loses what, is blocked, needs a second person, and reverts", () => {
    // "Every direct user grant on a binder duplicates a group grant" is wrong for dan and fay.
    const file = ws.file(
      "dedupe-wrong.yaml",
      `tenant: acme\nintent: cleanup\nreason: remove direct user grants on binders, groups cover them\ndelete_where:\n  - { resource_type: binder, relation: viewer, subject_type: user }\n`,
    );
    const id = ok(run("--as", "ann", "change", "propose", file)).stdout.split("\n")[0]!;
    const planned = run("--json", "--as", "ann", "change", "plan", id);
    expect(planned.code).toBe(6);
    const plan = JSON.parse(planned.stdout);
    const lost = plan.lost.map(
      (r: { tenant: string; resource: string; permission: string; subject: string }) =>
        `${r.tenant} ${r.resource}#${r.permission}@${r.subject}`,
    );
    expect(lost).toEqual([
      "acme binder:b1#view@user:dan",
      "acme binder:b2#view@user:fay",
      "acme contract:b1c1#view@user:dan",
      "acme contract:b1c2#view@user:dan",
      "acme contract:b1c3#view@user:dan",
      "acme contract:b2c1#view@user:fay",
      "acme contract:b2c2#view@user:fay",
      "acme contract:b2c3#view@user:fay",
    ]);
    expect(plan.gained).toEqual([]);
    expect(plan.guards).toContainEqual(
      expect.objectContaining({ name: "cleanup-and-merge-are-access-neutral", passed: false }),
    );
    expect(plan.blocked).toBe(true);

    // The human plan tells the reviewer the same.
    const human = run("--as", "ann", "change", "plan", id).stdout;
    expect(human).toContain("access: 0 gained, 8 lost");
    expect(human).toContain("✗ cleanup-and-merge-are-access-neutral");

    // Without an approval nothing is written; the author cannot approve.
    const refused = run("--as", "ann", "change", "apply", id);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain("blocked and nothing was written");
    expect(answers()).toEqual(original);
    const self = run("--as", "ann", "change", "approve", id);
    expect(self.code).toBe(6);
    expect(self.stderr).toContain("cannot approve it");

    // Forced through with a second person's approval.
    ok(run("--as", "bob", "change", "approve", id, "--comment", "reviewed the loss list"));
    ok(run("--as", "ann", "change", "apply", id));
    const during = answers();
    expect(during.acme).not.toEqual(original.acme);
    expect(during.globex).toEqual(original.globex);
    expect(
      ok(
        gatehouse([
          "--store",
          ws.store,
          "--tenant",
          "acme",
          "permission",
          "check",
          "contract:b1c2",
          "view",
          "user:dan",
        ]),
      ).stdout,
    ).toBe("false\n");

    // One revert restores exactly the old access.
    const reverted = JSON.parse(ok(run("--json", "--as", "cid", "change", "revert", id)).stdout);
    expect(reverted.applied).toBe(true);
    expect(reverted.gained).toHaveLength(8);
    expect(answers()).toEqual(original);

    const history = ok(run("change", "show", id)).stdout;
    for (const step of ["change.propose", "change.plan", "change.approve", "change.apply", "change.revert"])
      expect(history).toContain(step);
    expect(ok(run("--tenant", "acme", "change", "list")).stdout).toMatch(/reverted/);
  });
});
