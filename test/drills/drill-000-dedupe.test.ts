import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDriver, type DrillDriver, httpDriver } from "../support/drill-driver.js";
import { postgresUrlForTest } from "../support/postgres.js";

// The HTTP drill runs on both stores: SQLite (in memory) and PostgreSQL (a schema of its own).
const postgres = await postgresUrlForTest("drill000");

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

const row = (r: { tenant: string; resource: string; permission: string; subject: string }) =>
  `${r.tenant} ${r.resource}#${r.permission}@${r.subject}`;

const drivers: Array<[string, () => Promise<DrillDriver>]> = [
  ["CLI", async () => cliDriver()],
  ["HTTP", async () => httpDriver()],
];
if (!postgres.skip)
  drivers.push(["HTTP on PostgreSQL", async () => httpDriver(postgres.url, () => postgres.drop?.())]);

describe.each(drivers)(
  "drill 000 through the %s: a dedupe cleanup of binder and contract grants",
  (_name, makeDriver) => {
    let d: DrillDriver;
    let original: Record<string, boolean[]>;

    /** Every check of the drill's world, in both tenants. */
    const answers = async () => {
      const out: Record<string, boolean[]> = {};
      for (const tenant of TENANTS) {
        const queries: string[] = [];
        for (let b = 1; b <= 4; b++) {
          for (const u of USERS) {
            queries.push(`binder:b${b}#view@user:${u}`);
            for (let c = 1; c <= 3; c++) queries.push(`contract:b${b}c${c}#view@user:${u}`);
          }
        }
        out[tenant] = await d.checks(tenant, queries);
      }
      return out;
    };

    beforeAll(async () => {
      d = await makeDriver();
      await d.writeSchema(SCHEMA);
      for (const tenant of TENANTS) await d.importData(tenant, dataFor(tenant));
      original = await answers();
    });
    afterAll(() => d.close());

    it("a correct dedupe plans with no gained and no lost rows, and applies without approval", async () => {
      const id = await d.propose(
        "acme",
        `intent: cleanup\nreason: remove direct grants that duplicate group grants\ndelete:\n${DUPLICATES.map((x) => `  - "${x}"`).join("\n")}\n`,
        "ann",
      );
      const plan = (await d.plan(id, "ann")).json;
      expect(plan.gained).toEqual([]);
      expect(plan.lost).toEqual([]);
      expect(plan.data.deletes).toHaveLength(4);
      expect(plan.guards).toContainEqual(
        expect.objectContaining({ name: "cleanup-and-merge-are-access-neutral", passed: true }),
      );
      expect(plan.blocked).toBe(false);
      expect((await d.apply(id, "ann")).ok).toBe(true);
      expect(await answers()).toEqual(original);
    });

    it("a subtly wrong dedupe names exactly who loses what, is blocked, needs a second person, and reverts", async () => {
      // "Every direct user grant on a binder duplicates a group grant" is wrong for dan and fay.
      const id = await d.propose(
        "acme",
        "intent: cleanup\nreason: remove direct user grants on binders, groups cover them\ndelete_where:\n  - { resource_type: binder, relation: viewer, subject_type: user }\n",
        "ann",
      );
      const planned = await d.plan(id, "ann");
      const plan = planned.json;
      expect(plan.lost.map(row)).toEqual([
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

      // Without an approval nothing is written; the author cannot approve.
      const refused = await d.apply(id, "ann");
      expect(refused.ok).toBe(false);
      expect(refused.text).toContain("blocked and nothing was written");
      expect(await answers()).toEqual(original);
      const self = await d.approve(id, "ann");
      expect(self.ok).toBe(false);
      expect(self.text).toContain("cannot approve it");

      // Forced through with a second person's approval.
      expect((await d.approve(id, "bob")).ok).toBe(true);
      expect((await d.apply(id, "ann")).ok).toBe(true);
      const during = await answers();
      expect(during.acme).not.toEqual(original.acme);
      expect(during.globex).toEqual(original.globex);
      expect(await d.checks("acme", ["contract:b1c2#view@user:dan"])).toEqual([false]);

      // One revert restores exactly the old access.
      const reverted = await d.revert(id, "cid");
      expect(reverted.json.applied).toBe(true);
      expect(reverted.json.gained).toHaveLength(8);
      expect(await answers()).toEqual(original);

      const history = JSON.stringify((await d.show(id)).json);
      for (const step of ["change.plan", "change.approve", "change.apply", "change.revert"])
        expect(history).toContain(step);
    });
  },
);
