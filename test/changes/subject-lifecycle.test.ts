import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { incidentMarkdown } from "../../src/changes/incident-markdown.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const SCHEMA = `definition user {}
definition account {
  relation member: user
  permission access = member
}
definition doc {
  relation account: account
  relation viewer: user
  permission view = viewer + account->access
}`;

const DATA = [
  "account:a1#member@user:ann",
  "account:a2#member@user:ann",
  "doc:d1#account@account:a1",
  "doc:d2#account@account:a1",
  "doc:d3#viewer@user:ann",
];

const DAY = 86_400_000;

async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

/** One clock for the library and its store, so that plans and approvals compare on one time line. */
let time = Date.parse("2030-01-01T00:00:00Z");
const now = () => new Date(time);
let g: Gatehouse;
let exportDir: string;

beforeEach(async () => {
  time = Date.parse("2030-01-01T00:00:00Z");
  g = await Gatehouse.withStore(SqliteStore.open(":memory:", { now }), { now, rolloutPollMs: 0 });
  await g.writeSchema(SCHEMA);
  await g.importRelationships("acme", DATA.join("\n"));
  exportDir = join(mkdtempSync(join(tmpdir(), "gatehouse-purge-")), "exports");
});
afterEach(() => g.close());

const who = { tenant: "acme", actor: "ann" };
const check = async (tuple: string) => {
  const q = parseRelationship(tuple, undefined, "permission");
  return (await g.check("acme", { resource: q.resource, permission: q.relation, subject: q.subject }))
    .allowed;
};

/** Plans, has bob approve when needed, and applies. */
async function land(id: number): Promise<void> {
  const { plan } = await g.changes.plan(id, { actor: "ann" });
  if (plan.blocked) await g.changes.approve(id, { actor: "bob" });
  await g.changes.apply(id, { actor: "ann" });
}

describe("subject lifecycle", () => {
  it("restore brings back what the subject's deletions removed, not what other changes deleted", async () => {
    // An unrelated revoke removes one of a1's relationships first: a restore must not undo it.
    await g.writeRelationships("acme", [
      { operation: "delete", relationship: parseRelationship("doc:d2#account@account:a1") },
    ]);
    await land((await g.lifecycle.delete("subject", "account:a1", who)).id);
    expect(await check("doc:d1#view@user:ann")).toBe(false);
    const restore = await g.lifecycle.restore("subject", "account:a1", who);
    expect(restore.intent).toBe("restore");
    expect(
      restore.spec.writes.map((r) => `${r.resource.type}:${r.resource.id}#${r.relation}`).sort(),
    ).toEqual(["account:a1#member", "doc:d1#account"]);
    await land(restore.id);
    expect(await check("doc:d1#view@user:ann")).toBe(true);
    expect(await check("doc:d2#view@user:ann")).toBe(false);
  });

  it("the incident report of a deletion ends its window at the restore that undid it", async () => {
    const deletion = (await g.lifecycle.delete("subject", "account:a1", who)).id;
    await land(deletion);
    expect(await check("doc:d1#view@user:ann")).toBe(false);
    const restore = (await g.lifecycle.restore("subject", "account:a1", who)).id;
    await land(restore);
    expect(await check("doc:d1#view@user:ann")).toBe(true);
    const report = await g.incidentReport({ change: deletion });
    expect(report.window).toMatchObject({ revertedBy: restore, endedBy: "restore" });
    expect(report.checksRead).toBe(1); // the check after the restore is outside the window
    expect(report.tenants[0]!.denied.map((d) => `${d.resource}#${d.permission}@${d.subject}`)).toEqual([
      "doc:d1#view@user:ann",
    ]);
    expect(incidentMarkdown(report)).toContain(`until change ${restore} restored what it deleted`);
  });

  it("restore and purge name a deletion that was reverted or is not applied yet", async () => {
    const id = (await g.lifecycle.delete("subject", "account:a1", who)).id;
    const pending = await rejection(g.lifecycle.restore("subject", "account:a1", who));
    expect(pending.message).toBe(
      `nothing to restore: no deletion of \`account:a1\` in tenant \`acme\` is applied (change ${id} is proposed)`,
    );
    await land(id);
    await g.changes.revert(id, { actor: "ann" });
    const purge = await rejection(g.lifecycle.purge("subject", "account:a1", { ...who, exportDir }));
    expect(purge.message).toContain(
      `no deletion of \`account:a1\` in tenant \`acme\` is applied (change ${id} is reverted)`,
    );
  });

  it("a subject deletion's plan names what it reaches per permission", async () => {
    const id = (await g.lifecycle.delete("subject", "user:ann", who)).id;
    const { plan } = await g.changes.plan(id, { actor: "ann" });
    expect(plan.deletion?.reach).toEqual([
      { resourceType: "account", permission: "access", count: 2, examples: ["account:a1", "account:a2"] },
      { resourceType: "doc", permission: "view", count: 3, examples: ["doc:d1", "doc:d2", "doc:d3"] },
    ]);
    expect(plan.deletion?.othersLosing.subjects).toBe(0);
  });

  it("an access-neutral guard may name deletions: a deletion that takes access then fails it", async () => {
    const bad = await rejection(
      g.changes.writeGuards("guards:\n  - { name: n, kind: access-neutral, intents: [delete, tidy] }\n", {
        actor: "sec",
      }),
    );
    expect(bad.message + JSON.stringify(bad.details ?? "")).toContain(
      "unknown intent `tidy`: expected one of",
    );
    await g.changes.writeGuards(
      "guards:\n  - { name: deletions-take-nothing, kind: access-neutral, intents: [delete, purge] }\n",
      { actor: "sec" },
    );
    const id = (await g.lifecycle.delete("subject", "account:a1", who)).id;
    const { plan } = await g.changes.plan(id, { actor: "ann" });
    const guard = plan.guards.find((x) => x.name === "deletions-take-nothing");
    expect(guard?.passed).toBe(false);
    expect(plan.blocked).toBe(true);
  });

  it("a merge that would give someone else access fails the access-neutral guard", async () => {
    await g.importRelationships("acme", "account:a2#member@user:dan");
    const id = (await g.lifecycle.merge("account:a2", "account:a1", who)).id;
    const { plan } = await g.changes.plan(id, { actor: "ann" });
    const guard = plan.guards.find((x) => x.name === "cleanup-and-merge-are-access-neutral");
    expect(guard?.passed).toBe(false);
    expect(guard?.message).toContain("user:dan");
    expect(plan.merge?.othersChanged).toBe(2);
    expect(plan.blocked).toBe(true);
    const other = await rejection(g.lifecycle.merge("account:a2", "user:ann", who));
    expect(other.message).toContain("a duplicate is merged into a subject of the same type");
  });

  it("a purge whose export bundle was altered is refused and removes nothing", async () => {
    await land((await g.lifecycle.delete("subject", "account:a1", who)).id);
    time += 31 * DAY;
    const { change, purge } = await g.lifecycle.purge("subject", "account:a1", { ...who, exportDir });
    await g.changes.plan(change.id, { actor: "ann" });
    await g.changes.approve(change.id, { actor: "bob" });
    writeFileSync(
      purge.export.path,
      readFileSync(purge.export.path, "utf8").replace("account:a1", "account:zz"),
    );
    const refused = await rejection(g.changes.apply(change.id, { actor: "ann" }));
    expect(refused.kind).toBe("refused");
    expect(refused.message).toContain("is altered");
    expect(
      await g.store.relationshipHistory("acme", [parseRelationship("doc:d1#account@account:a1")]),
    ).toHaveLength(1);
  });

  it("a restore proposed before a purge cannot be planned after it", async () => {
    await land((await g.lifecycle.delete("subject", "account:a1", who)).id);
    const restore = await g.lifecycle.restore("subject", "account:a1", who);
    time += 31 * DAY;
    const { change } = await g.lifecycle.purge("subject", "account:a1", { ...who, exportDir });
    await land(change.id);
    const refused = await rejection(g.changes.plan(restore.id, { actor: "ann" }));
    expect(refused.message).toContain("was purged for good by change");
    const revert = await rejection(g.changes.revert(change.id, { actor: "ann" }));
    expect(revert.message).toContain("cannot be reverted");
  });

  it("a tenant is purged after a retention window the store sets", async () => {
    await g.lifecycle.setRetention(2, { actor: "admin" });
    await land((await g.lifecycle.delete("tenant", "acme", who)).id);
    time += DAY;
    const early = await rejection(g.lifecycle.purge("tenant", "acme", { ...who, exportDir }));
    expect(early.message).toContain("before 2030-01-03T00:00:00.000Z");
    expect(early.message).toContain("kept restorable for 2 days");
    time += DAY;
    const { change, purge } = await g.lifecycle.purge("tenant", "acme", { ...who, exportDir });
    expect(purge.relationships).toHaveLength(DATA.length);
    await land(change.id);
    expect(await g.store.readRelationships("acme", {}, { atRevision: 2 })).toEqual([]);
    const audit = await g.store.listAudit({ action: "change.apply", target: `change:${change.id}` });
    expect(audit[0]?.details).toMatchObject({ sha256: purge.export.sha256, rows: DATA.length });
  });

  it("a process whose index was behind the deletion reloads the tenant when it sees the purge", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "gatehouse-follow-")), "g.db");
    const open = async () =>
      Gatehouse.withStore(SqliteStore.open(file, { now }), {
        now,
        rolloutPollMs: 0,
        decisionLog: { sample: "off" },
      });
    const writer = await open();
    const behind = await open();
    try {
      await writer.writeSchema(SCHEMA);
      await writer.importRelationships("acme", DATA.join("\n"));
      const ask = async () =>
        (
          await behind.check(
            "acme",
            {
              resource: { type: "doc", id: "d1" },
              permission: "view",
              subject: { type: "user", id: "ann" },
            },
            { atLeastRevision: 2 },
          )
        ).allowed;
      expect(await ask()).toBe(true);
      const deletion = await writer.lifecycle.delete("subject", "account:a1", who);
      await writer.changes.plan(deletion.id, { actor: "ann" });
      await writer.changes.approve(deletion.id, { actor: "bob" });
      await writer.changes.apply(deletion.id, { actor: "ann" });
      time += 31 * DAY;
      const { change } = await writer.lifecycle.purge("subject", "account:a1", { ...who, exportDir });
      await writer.changes.plan(change.id, { actor: "ann" });
      await writer.changes.approve(change.id, { actor: "bob" });
      const { revision } = await writer.changes.apply(change.id, { actor: "ann" });
      // `behind` never saw the deletion; its rows (and their events) are gone now.
      await behind.catchUp();
      expect(behind.revision).toBe(revision);
      expect(await ask()).toBe(false);
    } finally {
      await writer.close();
      await behind.close();
    }
  });
});
