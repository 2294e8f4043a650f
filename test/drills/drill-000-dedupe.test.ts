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
 * Second half: the incident report of the forced change lists exactly the checks that were denied
 * while it was live (the work to redo), and nothing from before the apply or after the revert.
 * Third: the same wrong cleanup typed as a direct bulk delete (no change at all) is stopped by a
 * `direct-writes` guard with nothing written, and the message names the change to propose
 * instead; proposed, it takes the usual path: approved by another person, applied, reported,
 * reverted. `revision show` names who made each write, and through which door.
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
    /** The forced, then reverted, cleanup. */
    let harmful = 0;
    /** Checks answered while it was live: query and answer, in order, per tenant. */
    const live: Record<string, Array<[string, boolean]>> = { acme: [], globex: [] };

    const queries: string[] = [];
    for (let b = 1; b <= 4; b++) {
      for (const u of USERS) {
        queries.push(`binder:b${b}#view@user:${u}`);
        for (let c = 1; c <= 3; c++) queries.push(`contract:b${b}c${c}#view@user:${u}`);
      }
    }

    /** Every check of the drill's world, in both tenants. */
    const answers = async () => {
      const out: Record<string, boolean[]> = {};
      for (const tenant of TENANTS) out[tenant] = await d.checks(tenant, queries);
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
      harmful = id;
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
      for (const tenant of TENANTS) {
        for (const [i, q] of queries.entries()) live[tenant]!.push([q, during[tenant]![i]!]);
      }
      expect(await d.checks("acme", ["contract:b1c2#view@user:dan"])).toEqual([false]);
      live.acme!.push(["contract:b1c2#view@user:dan", false]);
      // Single checks too, as an application makes them: dan opens a contract twice, fay a binder,
      // ann one she keeps (allowed: not evidence of anything).
      for (const q of [
        "contract:b1c3#view@user:dan",
        "contract:b1c3#view@user:dan",
        "binder:b2#view@user:fay",
      ]) {
        expect(await d.check("acme", q)).toBe(false);
        live.acme!.push([q, false]);
      }
      expect(await d.check("acme", "binder:b1#view@user:ann")).toBe(true);
      live.acme!.push(["binder:b1#view@user:ann", true]);

      // One revert restores exactly the old access.
      const reverted = await d.revert(id, "cid");
      expect(reverted.json.applied).toBe(true);
      expect(reverted.json.gained).toHaveLength(8);
      expect(await answers()).toEqual(original);

      const history = JSON.stringify((await d.show(id)).json);
      for (const step of ["change.plan", "change.approve", "change.apply", "change.revert"])
        expect(history).toContain(step);
    });

    it("the incident report lists exactly the checks denied while the forced cleanup was live", async () => {
      // Expected, independently of the plan: checks answered while live that were denied but had
      // been allowed before the change, with how often each was asked.
      const originalAnswer = new Map(queries.map((q, i) => [q, original.acme![i]!]));
      const expected = new Map<string, number>();
      for (const [q, answer] of live.acme!) {
        if (!answer && originalAnswer.get(q) === true) expected.set(q, (expected.get(q) ?? 0) + 1);
      }
      expect(expected.size).toBeGreaterThan(3);
      // After the revert, dan is allowed again: not part of the window.
      expect(await d.check("acme", "contract:b1c3#view@user:dan")).toBe(true);

      const report = await d.incidentReport({ change: harmful });
      expect(report.ok).toBe(true);
      const r = report.json;
      expect(r.change.id).toBe(harmful);
      expect(r.window.revertedBy).not.toBeNull();
      expect(r.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(["acme"]);
      const [acme] = r.tenants;
      expect(acme.lost).toHaveLength(8);
      expect(acme.gained).toEqual([]);
      expect(acme.used).toEqual([]);
      const denied = new Map<string, number>(
        acme.denied.map((u: { resource: string; permission: string; subject: string; checks: number }) => [
          `${u.resource}#${u.permission}@${u.subject}`,
          u.checks,
        ]),
      );
      expect(denied).toEqual(expected);

      // The same window named by revisions gives the same evidence.
      const applied = (await d.show(harmful)).json.appliedRevision as number;
      const byRevision = await d.incidentReport({ fromRevision: applied - 1, toRevision: applied });
      expect(byRevision.json.tenants).toEqual(r.tenants);

      // The decision log holds the checks themselves, with the revision they were answered at.
      const log = await d.decisions("acme", {
        subject: "user:dan",
        result: "denied",
        fromRevision: applied,
        toRevision: applied,
      });
      expect(log.ok).toBe(true);
      const danDenied = live
        .acme!.filter(([q, answer]) => !answer && q.endsWith("@user:dan"))
        .map(([q]) => q);
      expect(
        log.json.map(
          (x: {
            resource: { type: string; id: string };
            permission: string;
            subject: { type: string; id: string };
          }) => `${x.resource.type}:${x.resource.id}#${x.permission}@${x.subject.type}:${x.subject.id}`,
        ),
      ).toEqual(danDenied);
    });

    it("the wrong cleanup typed as a direct bulk delete is stopped by the direct-writes guard, then goes through a change", async () => {
      // Learning from seed 000, the store holds direct writes of binder grants to no change of
      // access, beside the defaults (every direct write within a blast radius).
      await d.writeGuards(`guards:
  - name: cleanup-and-merge-are-access-neutral
    kind: access-neutral
    intents: [cleanup, merge]
  - name: direct-write-blast-radius
    kind: direct-writes
    max-loss: 1000
    max-deletes: 1000
  - name: binder-grants-are-neutral
    kind: direct-writes
    access-neutral: [binder#viewer]
`);
      const before = await answers();
      expect(before).toEqual(original);
      // The error's message: from the HTTP body, or from the CLI's `--json` error on stderr.
      const messageOf = (o: { json: any; text: string }): string => {
        if (o.json?.error?.message) return o.json.error.message;
        try {
          return JSON.parse(o.text).error.message;
        } catch {
          return o.text;
        }
      };

      // The cleanup as one direct command: every direct user grant on a binder, deleted.
      const bulk = await d.bulkDelete(
        "acme",
        { resource: "binder", relation: "viewer", subject: "user" },
        "mallory",
      );
      expect(bulk.ok).toBe(false);
      const message = messageOf(bulk);
      expect(message).toContain("the direct write was refused and nothing was written");
      expect(message).toContain("guard `binder-grants-are-neutral`");
      expect(message).toContain("`user:dan` would lose `view` on `binder:b1`");
      expect(message).toContain("change propose");
      expect(message).toContain("delete_where:");
      // One grant at a time is held the same way; nothing was written by either.
      const single = await d.deleteRelationship("acme", "binder:b2#viewer@user:fay", "mallory");
      expect(single.ok).toBe(false);
      expect(messageOf(single)).toContain("guard `binder-grants-are-neutral`");
      expect(await answers()).toEqual(original);
      const attempts = await d.revisionsBy("mallory");
      expect(attempts.ok).toBe(true);
      expect(attempts.json).toEqual([]);

      // Proposed as the message says: planned, blocked, approved by another person, applied.
      const file = message
        .split("with FILE:\n")[1]!
        .split("\n")
        .map((line) => line.slice(2))
        .join("\n")
        .replace("<why this write is needed>", "remove direct user grants on binders, groups cover them");
      const id = await d.propose("acme", file, "mallory");
      const plan = (await d.plan(id, "mallory")).json;
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
      expect(plan.blocked).toBe(true);
      expect((await d.apply(id, "mallory")).ok).toBe(false);
      expect(await answers()).toEqual(original);
      expect((await d.approve(id, "bob")).ok).toBe(true);
      expect((await d.apply(id, "mallory")).ok).toBe(true);
      expect((await answers()).acme).not.toEqual(original.acme);
      expect(await d.check("acme", "binder:b1#view@user:dan")).toBe(false);

      // Who made the write, and through which door.
      const applied = (await d.show(id)).json.appliedRevision as number;
      const shown = await d.revision(applied);
      expect(shown.json).toMatchObject({
        actor: "mallory",
        door: `change ${id}`,
        tenant: "acme",
        deleted: 2,
      });
      expect((await d.revisionsBy("mallory")).json.map((r: { revision: number }) => r.revision)).toEqual([
        applied,
      ]);

      // Reported: the harm and the denied check; then reverted, every answer as before.
      const report = (await d.incidentReport({ change: id })).json;
      expect(report.tenants[0].lost).toHaveLength(8);
      expect(report.tenants[0].denied).toContainEqual(
        expect.objectContaining({ resource: "binder:b1", permission: "view", subject: "user:dan" }),
      );
      const reverted = await d.revert(id, "cid");
      expect(reverted.json.applied).toBe(true);
      expect(await answers()).toEqual(original);
      const revertRevision = (await d.show(reverted.json.id)).json.appliedRevision;
      expect((await d.revision(revertRevision)).json).toMatchObject({ actor: "cid", created: 2 });
    });

    it("refuses an unknown change, a change never applied, and a reversed revision range", async () => {
      const unknown = await d.incidentReport({ change: 9_999 });
      expect(unknown.ok).toBe(false);
      expect(unknown.text).toContain("change 9999 does not exist");
      const proposed = await d.propose(
        "acme",
        "intent: grant\nreason: r\nwrite:\n  - binder:b3#viewer@user:hal\n",
        "ann",
      );
      const never = await d.incidentReport({ change: proposed });
      expect(never.ok).toBe(false);
      expect(never.text).toContain("was never applied");
      const reversed = await d.incidentReport({ fromRevision: 5, toRevision: 3 });
      expect(reversed.ok).toBe(false);
      expect(reversed.text).toContain("invalid revision range 5..3");
      const future = await d.incidentReport({ fromRevision: 1, toRevision: 100_000 });
      expect(future.ok).toBe(false);
      expect(future.text).toContain("does not exist yet");
    });
  },
);
