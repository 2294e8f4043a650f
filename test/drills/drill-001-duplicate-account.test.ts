import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliLifecycleDriver,
  httpLifecycleDriver,
  type LifecycleDriver,
} from "../support/lifecycle-driver.js";
import { postgresUrlForTest } from "../support/postgres.js";

// The HTTP drill runs on both stores: SQLite (in memory) and PostgreSQL (a schema of its own).
const postgres = await postgresUrlForTest("drill001");

/**
 * Drill 001 (seeds/001): a cleanup of duplicate accounts purged the account that held the
 * customer's data; four days to restore. Here the "purge" of that account is a soft deletion
 * whose plan shows what it holds, which needs a second person; a purge inside the retention
 * window is refused with its date; one restore brings every answer back; a purge after the
 * window writes an export with its checksum first and needs a second approval; and merging the
 * duplicate into the real account is access-neutral for everyone else.
 */
const SCHEMA = `definition user {}

definition account {
  relation member: user
  permission access = member
}

definition document {
  relation account: account
  relation viewer: user
  permission view = viewer + account->access
}

definition plan {
  relation subscriber: account
  permission billed = subscriber
  permission use = subscriber->access
}
`;

const DOCS = ["d1", "d2", "d3", "d4", "d5", "d6"];
const USERS = ["alice", "bob", "carol", "dan", "erin"];

/**
 * Northwind got two accounts from a provisioning bug: nw1 holds every document, nw2 only the
 * billing plan; alice and dan are members of both. `other` is another customer.
 */
const DATA = [
  "account:nw1#member@user:alice",
  "account:nw1#member@user:dan",
  "account:nw2#member@user:alice",
  "account:nw2#member@user:dan",
  ...DOCS.map((d) => `document:${d}#account@account:nw1`),
  "document:d1#viewer@user:bob",
  "plan:gold#subscriber@account:nw2",
  "account:other#member@user:carol",
  "document:x1#account@account:other",
  "document:x2#viewer@user:carol",
  "plan:silver#subscriber@account:other",
];

/** Every question of the drill's world: documents, plans and accounts, for every user. */
const QUERIES = USERS.flatMap((u) => [
  ...[...DOCS, "x1", "x2"].map((d) => `document:${d}#view@user:${u}`),
  ...["gold", "silver"].map((p) => `plan:${p}#use@user:${u}`),
  ...["nw1", "nw2", "other"].map((a) => `account:${a}#access@user:${u}`),
]);

const DAY = 86_400_000;

const drivers: Array<[string, () => Promise<LifecycleDriver>]> = [
  ["CLI", async () => cliLifecycleDriver()],
  ["HTTP", async () => httpLifecycleDriver()],
];
if (!postgres.skip)
  drivers.push([
    "HTTP on PostgreSQL",
    async () => httpLifecycleDriver(postgres.url, () => postgres.drop?.()),
  ]);

describe.each(drivers)(
  "drill 001 through the %s: the purge of the wrong duplicate account",
  (_name, make) => {
    let d: LifecycleDriver;
    let original: boolean[];
    const answers = (tenant = "acme") => d.checks(tenant, QUERIES);
    const answerOf = (all: boolean[], query: string) => all[QUERIES.indexOf(query)];
    const idOf = (o: { ok: boolean; json: any; text: string }) => {
      if (!o.ok) throw new Error(o.text);
      return o.json.id as number;
    };

    beforeAll(async () => {
      d = await make();
      await d.setup(SCHEMA, { acme: DATA, globex: DATA });
      original = await answers();
    }, 60_000);
    afterAll(() => d.close());

    it("the deletion of the account with the data is soft, shows what it holds, and needs a second person", async () => {
      // The reviewer sees the two "duplicates" side by side: one holds six documents.
      const real = idOf(await d.lifecycle("delete", "subject", "acme", "account:nw1", "ann"));
      const duplicate = idOf(await d.lifecycle("delete", "subject", "acme", "account:nw2", "ann"));
      const realPlan = (await d.plan(real, "ann")).json;
      const duplicatePlan = (await d.plan(duplicate, "ann")).json;
      expect(realPlan.intent).toBe("delete");
      expect(realPlan.deletion.relationships).toBe(8);
      expect(realPlan.deletion.asSubject).toEqual([
        { resourceType: "document", relation: "account", subjectType: "account", count: 6, distinct: 6 },
      ]);
      expect(realPlan.deletion.asResource).toEqual([
        { resourceType: "account", relation: "member", subjectType: "user", count: 2, distinct: 2 },
      ]);
      expect(realPlan.deletion.othersLosing).toMatchObject({
        subjects: 2,
        resources: 7,
        examples: ["user:alice", "user:dan"],
      });
      expect(duplicatePlan.deletion.asSubject).toEqual([
        { resourceType: "plan", relation: "subscriber", subjectType: "account", count: 1, distinct: 1 },
      ]);
      expect(realPlan.blocked).toBe(true);
      expect(realPlan.approvals.needed).toBe(1);

      // Nothing is written without a second person; the author cannot approve it.
      expect((await d.apply(real, "ann")).ok).toBe(false);
      expect((await d.approve(real, "ann")).text).toContain("cannot approve it");
      expect(await answers()).toEqual(original);
      expect((await d.approve(real, "bob")).ok).toBe(true);
      expect((await d.apply(real, "ann")).ok).toBe(true);

      // Deleted data stops granting access at once; everyone else keeps theirs.
      const during = await answers();
      expect(answerOf(during, "document:d3#view@user:alice")).toBe(false);
      expect(answerOf(during, "document:d1#view@user:bob")).toBe(true);
      expect(answerOf(during, "document:x1#view@user:carol")).toBe(true);
      expect(await answers("globex")).toEqual(original);
    }, 60_000);

    it("a purge inside the retention window is refused with the date it becomes possible, and writes nothing", async () => {
      expect((await d.retention()).json).toMatchObject({ days: 30 });
      const early = await d.lifecycle("purge", "subject", "acme", "account:nw1", "ann");
      expect(early.ok).toBe(false);
      expect(early.text).toMatch(/cannot purge `account:nw1` in tenant `acme` before \d{4}-\d\d-\d\dT/);
      const date = /before (\S+):/.exec(early.text)?.[1] ?? "";
      expect(Date.parse(date) - Date.now()).toBeGreaterThan(29 * DAY);
      expect(d.lastCode()).toBe(d.name === "CLI" ? 6 : 409);
      expect(existsSync(d.exportDir)).toBe(false);
    });

    it("restore brings back exactly what the deletion removed, and every answer", async () => {
      const id = idOf(await d.lifecycle("restore", "subject", "acme", "account:nw1", "cid"));
      const plan = (await d.plan(id, "cid")).json;
      expect(plan.intent).toBe("restore");
      expect(plan.data.writes).toHaveLength(8);
      expect(plan.lost).toEqual([]);
      expect(plan.blocked).toBe(false);
      expect((await d.apply(id, "cid")).ok).toBe(true);
      expect(await answers()).toEqual(original);
      const again = await d.lifecycle("restore", "subject", "acme", "account:nw1", "cid");
      expect(again.ok).toBe(false);
      expect(again.text).toContain("nothing to restore");
    }, 60_000);

    it("after the window a purge writes the export with its checksum, needs a second approval, and removes the rows", async () => {
      const id = idOf(await d.lifecycle("delete", "subject", "acme", "account:nw1", "ann"));
      await d.plan(id, "ann");
      await d.approve(id, "bob");
      expect((await d.apply(id, "ann")).ok).toBe(true);

      // Revision 2 is acme's import: until the purge, history still holds nw1's documents.
      const heldAt2 = (await d.readAt("acme", "document", 2)).filter((t) => t.endsWith("@account:nw1"));
      expect(heldAt2).toHaveLength(6);
      d.setNow(new Date(Date.now() + 31 * DAY).toISOString());
      const proposed = await d.lifecycle("purge", "subject", "acme", "account:nw1", "ann");
      expect(proposed.ok).toBe(true);
      const bundlePath = proposed.json.purge.export.path as string;
      const bytes = readFileSync(bundlePath);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(proposed.json.purge.export.sha256);
      expect(readdirSync(d.exportDir)).toHaveLength(1);
      const bundle = JSON.parse(bytes.toString("utf8"));
      expect(bundle.target).toBe("account:nw1");
      // Both deletions (the one restored and the one now) are in it, with every row's revisions.
      expect(bundle.deletions).toHaveLength(2);
      expect(bundle.relationships).toHaveLength(16);
      for (const row of bundle.relationships)
        expect(row.deletedRevision).toBeGreaterThan(row.createdRevision);
      expect(bundle.schemaVersions.map((v: { version: number }) => v.version)).toEqual([1]);

      const plan = (await d.plan(proposed.json.id, "ann")).json;
      expect(plan.intent).toBe("purge");
      expect(plan.purge.export.sha256).toBe(proposed.json.purge.export.sha256);
      expect(plan.gained).toEqual([]);
      expect(plan.lost).toEqual([]);
      expect(plan.blocked).toBe(true);
      expect(plan.blockedBecause[0]).toContain("a purge removes data for good");
      expect((await d.apply(proposed.json.id, "ann")).ok).toBe(false);
      expect((await d.approve(proposed.json.id, "bob")).ok).toBe(true);
      const applied = await d.apply(proposed.json.id, "ann");
      expect(applied.ok).toBe(true);
      expect(applied.json.purge.rows).toBe(16);

      // The rows are gone, from history too: nothing is left to restore, and the audit record
      // carries the checksum.
      expect((await d.readAt("acme", "document", 2)).filter((t) => t.endsWith("@account:nw1"))).toEqual([]);
      expect(await d.readAt("acme", "document", 2)).toContain("document:d1#viewer@user:bob");
      const restore = await d.lifecycle("restore", "subject", "acme", "account:nw1", "ann");
      expect(restore.ok).toBe(false);
      expect(restore.text).toContain("purged for good");
      const applies = await d.audit("change.apply");
      const purgeRecord = applies.find((a) => a.target === `change:${proposed.json.id}`);
      expect(purgeRecord.details).toMatchObject({ sha256: proposed.json.purge.export.sha256, rows: 16 });
      expect(purgeRecord.actor).toBe("ann");
      expect(await answers("globex")).toEqual(original);
      d.setNow(undefined);
    }, 60_000);

    it("merging the duplicate into the real account is access-neutral for everyone else and shows what it gains", async () => {
      const id = idOf(await d.merge("globex", "account:nw2", "account:nw1", "ann"));
      const plan = (await d.plan(id, "ann")).json;
      expect(plan.intent).toBe("merge");
      expect(plan.guards).toContainEqual(
        expect.objectContaining({ name: "cleanup-and-merge-are-access-neutral", passed: true }),
      );
      expect(plan.merge).toMatchObject({ from: "account:nw2", into: "account:nw1", othersChanged: 0 });
      expect(plan.merge.intoGains).toEqual([
        { tenant: "globex", resource: "plan:gold", permission: "billed", subject: "account:nw1" },
      ]);
      expect(plan.blocked).toBe(false);
      expect((await d.apply(id, "ann")).ok).toBe(true);
      const after = await answers("globex");
      QUERIES.forEach((q, i) => {
        // Only the duplicate itself stops granting anything.
        if (!q.startsWith("account:nw2#")) expect(`${q} ${after[i]}`).toBe(`${q} ${original[i]}`);
      });
      expect(answerOf(after, "account:nw2#access@user:alice")).toBe(false);
    }, 60_000);

    it("bad input is refused clearly and writes nothing", async () => {
      const proposals = (await d.audit("change.propose")).length;
      const format = await d.lifecycle("delete", "subject", "acme", "account", "ann");
      expect(format.ok).toBe(false);
      expect(format.text).toContain("is not a subject: expected `type:id`");
      expect(d.lastCode()).toBe(d.name === "CLI" ? 3 : 400);
      const type = await d.lifecycle("delete", "subject", "acme", "acount:nw1", "ann");
      expect(type.text).toContain("unknown type `acount`");
      const tenant = await d.lifecycle("delete", "tenant", "acme", "nosuch", "ann");
      expect(tenant.ok).toBe(false);
      expect(tenant.text).toContain("tenant `nosuch` does not exist");
      expect(d.lastCode()).toBe(d.name === "CLI" ? 4 : 404);
      const subjectTenant = await d.lifecycle("delete", "subject", "nosuch", "account:nw1", "ann");
      expect(subjectTenant.text).toContain("tenant `nosuch` does not exist");
      const nothing = await d.lifecycle("restore", "subject", "acme", "account:other", "ann");
      expect(nothing.text).toContain(
        "nothing to restore: `account:other` in tenant `acme` was never deleted",
      );
      const never = await d.lifecycle("purge", "subject", "acme", "account:other", "ann");
      expect(never.ok).toBe(false);
      expect(never.text).toContain("nothing to purge: `account:other` in tenant `acme` was never deleted");
      const self = await d.merge("acme", "account:other", "account:other", "ann");
      expect(self.text).toContain("cannot merge `account:other` into itself");
      expect(await d.audit("change.propose")).toHaveLength(proposals);
    }, 60_000);

    it("a whole tenant is deleted softly and restored, and the retention window is set per store", async () => {
      const before = await answers("globex");
      const id = idOf(await d.lifecycle("delete", "tenant", "acme", "globex", "ann"));
      const plan = (await d.plan(id, "ann")).json;
      expect(plan.deletion.scope).toBe("tenant");
      // The merge above moved nw2's three relationships onto nw1, which held two of them already.
      expect(plan.deletion.relationships).toBe(DATA.length - 2);
      expect(plan.blocked).toBe(true);
      await d.approve(id, "bob");
      expect((await d.apply(id, "ann")).ok).toBe(true);
      expect((await answers("globex")).every((a) => a === false)).toBe(true);
      const restore = idOf(await d.lifecycle("restore", "tenant", "acme", "globex", "ann"));
      await d.plan(restore, "ann");
      expect((await d.apply(restore, "ann")).ok).toBe(true);
      expect(await answers("globex")).toEqual(before);

      expect((await d.retention(7)).json).toMatchObject({
        days: 7,
        setBy: d.name === "CLI" ? "admin" : "root",
      });
      expect((await d.retention()).json.days).toBe(7);
      expect((await d.audit("retention.set")).map((a) => a.details)).toEqual([{ days: 7, previous: 30 }]);
    }, 60_000);
  },
);
