import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDriver, type DrillDriver, httpDriver } from "../support/drill-driver.js";
import { postgresUrlForTest } from "../support/postgres.js";

// The HTTP drill runs on both stores: SQLite (in memory) and PostgreSQL (a schema of its own).
const postgres = await postgresUrlForTest("drill002");

/**
 * Drill 002 (seeds/002), first half: a change to the authorization model let organisation members
 * view Spaces they were not members of. Its plan lists exactly the accesses it adds, an invariant
 * guard (`space#view` within `space#member`) fails, and the apply is blocked.
 * Second half: forced through with an approval and then reverted, the incident report lists,
 * per tenant, exactly the wrong accesses that were used while it was live (whom to notify).
 */
const SCHEMA = `definition user {}

definition organization {
  relation member: user
}

definition space {
  relation org: organization
  relation member: user
  permission view = member
}
`;
const HARMFUL = SCHEMA.replace("permission view = member", "permission view = member + org->member");

interface World {
  orgMembers: Map<string, string[]>;
  spaces: Array<{ id: string; org: string; members: string[] }>;
}

/** Generated data: organisations with members, and spaces with a subset of them as members. */
function world(tenant: string, seed: number): World {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const orgMembers = new Map<string, string[]>();
  const spaces: World["spaces"] = [];
  for (let o = 1; o <= 3; o++) {
    const members = Array.from({ length: 4 + o }, (_, u) => `${tenant}-u${o}${u}`);
    orgMembers.set(`org${o}`, members);
    for (let s = 1; s <= 3; s++) {
      spaces.push({ id: `${tenant}-s${o}${s}`, org: `org${o}`, members: members.filter(() => next() < 0.4) });
    }
  }
  return { orgMembers, spaces };
}

function tuples(w: World): string[] {
  const lines: string[] = [];
  for (const [org, members] of w.orgMembers)
    for (const m of members) lines.push(`organization:${org}#member@user:${m}`);
  for (const s of w.spaces) {
    lines.push(`space:${s.id}#org@organization:${s.org}`);
    for (const m of s.members) lines.push(`space:${s.id}#member@user:${m}`);
  }
  return lines;
}

const drivers: Array<[string, () => Promise<DrillDriver>]> = [
  ["CLI", async () => cliDriver()],
  ["HTTP", async () => httpDriver()],
];
if (!postgres.skip)
  drivers.push(["HTTP on PostgreSQL", async () => httpDriver(postgres.url, () => postgres.drop?.())]);

describe.each(drivers)(
  "drill 002 through the %s: spaces visible to every organisation member",
  (_name, makeDriver) => {
    const worlds = { acme: world("acme", 7), globex: world("globex", 11) };
    let d: DrillDriver;

    beforeAll(async () => {
      d = await makeDriver();
      await d.writeSchema(SCHEMA);
      for (const [tenant, w] of Object.entries(worlds)) await d.importData(tenant, tuples(w));
      await d.writeGuards(
        "guards:\n  - name: only-members-view-spaces\n    kind: subset\n    resource_type: space\n    permission: view\n    of: member\n  - name: cleanups-are-neutral\n    kind: access-neutral\n    intents: [cleanup]\n",
      );
    });
    afterAll(() => d.close());

    it("plans exactly the gained accesses in every tenant, fails the subset guard and is blocked", async () => {
      const indented = HARMFUL.split("\n")
        .map((l) => `  ${l}`)
        .join("\n");
      const id = await d.propose(
        "acme",
        `intent: model\nreason: let organisation members browse spaces\nschema: |\n${indented}\n`,
        "dev",
      );
      const plan = (await d.plan(id, "dev")).json;

      // Computed independently: every org member who is not a member of the space gains `view`.
      const expected: string[] = [];
      for (const [tenant, w] of Object.entries(worlds)) {
        for (const s of w.spaces) {
          for (const m of w.orgMembers.get(s.org)!)
            if (!s.members.includes(m)) expected.push(`${tenant} space:${s.id}#view@user:${m}`);
        }
      }
      const gained = plan.gained.map(
        (r: { tenant: string; resource: string; permission: string; subject: string }) =>
          `${r.tenant} ${r.resource}#${r.permission}@${r.subject}`,
      );
      expect(gained.sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(10);
      expect(plan.lost).toEqual([]);
      expect(plan.changedPermissions).toEqual(["space#view"]);
      const guard = plan.guards.find((g: { name: string }) => g.name === "only-members-view-spaces");
      expect(guard.passed).toBe(false);
      expect(guard.message).toContain("would have `view` on `space:");
      expect(plan.blocked).toBe(true);

      const refused = await d.apply(id, "dev");
      expect(refused.ok).toBe(false);
      expect(await d.readSchema()).toContain("permission view = member\n");
      const [tenant, tuple] = expected[0]!.split(" ") as [string, string];
      expect(await d.checks(tenant, [tuple])).toEqual([false]);
    });

    it("after a forced apply and its revert, the incident report lists exactly the wrong accesses used", async () => {
      const indented = HARMFUL.split("\n")
        .map((l) => `  ${l}`)
        .join("\n");
      const id = await d.propose(
        "acme",
        `intent: model\nreason: let organisation members browse spaces (forced)\nschema: |\n${indented}\n`,
        "dev",
      );
      expect((await d.plan(id, "dev")).json.blocked).toBe(true);
      expect((await d.approve(id, "lead")).ok).toBe(true);
      expect((await d.apply(id, "dev")).ok).toBe(true);

      // While live: in each tenant, every org member looks at the first space of their org, and
      // a member of another org tries too (denied, and not evidence of anything).
      const expected: string[] = [];
      let legit = 0;
      for (const [tenant, w] of Object.entries(worlds)) {
        const queries: string[] = [];
        const outsiders: string[] = [];
        for (const [org, members] of w.orgMembers) {
          const space = w.spaces.find((s) => s.org === org)!;
          for (const m of members) {
            queries.push(`space:${space.id}#view@user:${m}`);
            // Computed independently: allowed now, but only members could view before.
            if (space.members.includes(m)) legit++;
            else expected.push(`${tenant} space:${space.id}#view@user:${m}`);
          }
          const outsider = [...w.orgMembers.entries()].find(([o]) => o !== org)![1][0]!;
          outsiders.push(`space:${space.id}#view@user:${outsider}`);
        }
        expect((await d.checks(tenant, queries)).every(Boolean)).toBe(true);
        for (const q of outsiders) expect(await d.check(tenant, q)).toBe(false);
      }
      expect(legit).toBeGreaterThan(0);
      expect(expected.length).toBeGreaterThan(5);

      // The revert takes the wrong accesses away again, so it too needs a second person.
      const revert = (await d.revert(id, "lead")).json;
      expect(revert.applied).toBe(false);
      expect((await d.approve(revert.id, "security")).ok).toBe(true);
      expect((await d.apply(revert.id, "lead")).ok).toBe(true);
      // After the revert the same look is denied again, and is not part of the window.
      const [firstTenant, firstTuple] = expected[0]!.split(" ") as [string, string];
      expect(await d.check(firstTenant, firstTuple)).toBe(false);

      const report = await d.incidentReport({ change: id });
      expect(report.ok).toBe(true);
      const r = report.json;
      expect(r.window.revertedBy).toBe(revert.id);
      expect(r.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(["acme", "globex"]);
      const used: string[] = [];
      for (const t of r.tenants) {
        expect(t.lost).toEqual([]);
        expect(t.denied).toEqual([]);
        for (const u of t.used) {
          expect(u.checks).toBe(1);
          used.push(`${t.tenant} ${u.resource}#${u.permission}@${u.subject}`);
        }
        // Every wrong access is listed as gained, used or not.
        const gained = new Set(
          t.gained.map((g: { resource: string; subject: string }) => `${g.resource}@${g.subject}`),
        );
        for (const u of t.used) expect(gained.has(`${u.resource}@${u.subject}`)).toBe(true);
      }
      expect(used.sort()).toEqual(expected.sort());
    });

    it("typed as `schema write`, the same change is stopped by its plan; forced, approved, applied, reported and reverted", async () => {
      // Every org member who is not a member of the space would gain `view`, computed without Gatehouse.
      const wrong: string[] = [];
      for (const [tenant, w] of Object.entries(worlds))
        for (const s of w.spaces)
          for (const m of w.orgMembers.get(s.org)!)
            if (!s.members.includes(m)) wrong.push(`${tenant} space:${s.id}#view@user:${m}`);
      const [firstTenant, firstTuple] = wrong[0]!.split(" ") as [string, string];
      const versionBefore = await d.readSchema();

      // `gatehouse --as architect schema write spaces.zed` (or PUT /v1/schema): held back.
      const written = await d.schemaWrite(HARMFUL, "architect");
      expect(written.ok).toBe(false);
      expect(written.heldBack).toBe(true);
      const id = written.change!;
      expect(id).toBeGreaterThan(0);
      expect(await d.readSchema()).toBe(versionBefore);
      expect(await d.check(firstTenant, firstTuple)).toBe(false);

      const plan = (await d.show(id)).json.plan;
      const gained = plan.gained.map(
        (r: { tenant: string; resource: string; permission: string; subject: string }) =>
          `${r.tenant} ${r.resource}#${r.permission}@${r.subject}`,
      );
      expect(gained.sort()).toEqual([...wrong].sort());
      expect(plan.lost).toEqual([]);
      const guard = plan.guards.find((g: { name: string }) => g.name === "only-members-view-spaces");
      expect(guard.passed).toBe(false);
      expect(plan.blocked).toBe(true);
      // Its author cannot push it through alone.
      expect((await d.apply(id, "architect")).ok).toBe(false);
      expect((await d.approve(id, "architect")).ok).toBe(false);
      expect(await d.check(firstTenant, firstTuple)).toBe(false);

      // Forced: another person approves, it is applied, and the wrong access is live.
      expect((await d.approve(id, "lead")).ok).toBe(true);
      expect(await d.check(firstTenant, firstTuple)).toBe(false);
      expect((await d.apply(id, "architect")).ok).toBe(true);
      expect(await d.readSchema()).toContain("permission view = member + org->member");

      // While live, every org member opens the last space of their org.
      const used: string[] = [];
      for (const [tenant, w] of Object.entries(worlds)) {
        const queries: string[] = [];
        for (const [org, members] of w.orgMembers) {
          const space = w.spaces.filter((s) => s.org === org).at(-1)!;
          for (const m of members) {
            queries.push(`space:${space.id}#view@user:${m}`);
            if (!space.members.includes(m)) used.push(`${tenant} space:${space.id}#view@user:${m}`);
          }
        }
        expect((await d.checks(tenant, queries)).every(Boolean)).toBe(true);
      }
      expect(used.length).toBeGreaterThan(5);

      // The revert takes the wrong accesses away again: a second person approves it too.
      const revert = (await d.revert(id, "lead")).json;
      expect(revert.applied).toBe(false);
      expect((await d.approve(revert.id, "security")).ok).toBe(true);
      expect((await d.apply(revert.id, "lead")).ok).toBe(true);
      expect(await d.check(firstTenant, firstTuple)).toBe(false);
      expect(await d.readSchema()).toContain("permission view = member\n");

      const report = (await d.incidentReport({ change: id })).json;
      expect(report.window.revertedBy).toBe(revert.id);
      const reported: string[] = [];
      for (const t of report.tenants) {
        expect(t.lost).toEqual([]);
        for (const u of t.used) reported.push(`${t.tenant} ${u.resource}#${u.permission}@${u.subject}`);
      }
      expect(reported.sort()).toEqual(used.sort());
    }, 600_000); // the CLI driver runs about 20 commands
  },
);
