import { afterEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { GatehouseApiError, GatehouseClient } from "../../src/client/client.js";
import { DenyRateMonitor, type MonitorTrip } from "../../src/rollout/monitor-deny-rate.js";
import {
  parseMargin,
  parsePercent,
  parseTenantList,
  parseWindow,
} from "../../src/rollout/rollout-options.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { gatehouse, workspace } from "../support/cli.js";
import { startServer } from "../support/server.js";

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  relation cleared: user
  permission view = viewer
}`;
const STRICTER = SCHEMA.replace("permission view = viewer", "permission view = viewer & cleared");
const modelChange = (schema: string) =>
  `intent: model\nreason: viewers must be cleared\nschema: |\n${schema
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n`;

describe("the deny-rate monitor", () => {
  const settings = { margin: 0.1, windowSeconds: 10, minChecks: 10 };
  const monitored = () => {
    let now = 0;
    const trips: MonitorTrip[] = [];
    const monitor = new DenyRateMonitor(
      settings,
      (t) => trips.push(t),
      () => now,
    );
    return { monitor, trips, advance: (ms: number) => (now += ms) };
  };

  it("never trips before min-checks, however many the candidate denies", () => {
    const { monitor, trips } = monitored();
    for (let i = 0; i < 9; i++) monitor.record("document", "view", false, true);
    expect(trips).toEqual([]);
    monitor.record("document", "view", false, true);
    expect(trips).toHaveLength(1);
  });

  it("compares with the baseline's own deny rate, per permission, and trips once", () => {
    const { monitor, trips } = monitored();
    // Both deny half the time: no difference, whatever the volume.
    for (let i = 0; i < 100; i++) monitor.record("document", "view", i % 2 === 0, i % 2 === 0);
    // A margin's worth on another permission is not enough (10 of 100 is not above 0.1).
    for (let i = 0; i < 100; i++) monitor.record("document", "edit", i % 10 !== 9, true);
    expect(trips).toEqual([]);
    for (let i = 0; i < 5; i++) monitor.record("document", "share", true, true);
    for (let i = 0; i < 6; i++) monitor.record("document", "share", false, true);
    expect(trips).toEqual([
      {
        permission: "document#share",
        checks: 10,
        candidateDenies: 5,
        baselineDenies: 0,
        candidateDenyRate: 0.5,
        baselineDenyRate: 0,
        margin: 0.1,
        windowSeconds: 10,
        minChecks: 10,
      },
    ]);
    for (let i = 0; i < 50; i++) monitor.record("document", "share", false, true);
    expect(trips).toHaveLength(1);
    expect(monitor.windows().map((w) => w.permission)).toEqual([
      "document#edit",
      "document#share",
      "document#view",
    ]);
  });

  it("counts within a window: old denies do not add up with new ones", () => {
    const { monitor, trips, advance } = monitored();
    for (let i = 0; i < 9; i++) monitor.record("document", "view", false, true);
    advance(10_000);
    for (let i = 0; i < 9; i++) monitor.record("document", "view", false, true);
    expect(trips).toEqual([]);
    expect(monitor.windows()[0]).toMatchObject({ checks: 9, candidateDenies: 9, baselineDenies: 0 });
  });
});

describe("rollout options", () => {
  it("reads margins, windows, percents and tenant lists, and names the flag when one is wrong", () => {
    expect(parseMargin("5%")).toBe(0.05);
    expect(parseMargin("0.2")).toBe(0.2);
    expect(parseWindow("90")).toBe(90);
    expect(parseWindow("5m")).toBe(300);
    expect(parseWindow("1h")).toBe(3600);
    expect(parsePercent("25%")).toBe(25);
    expect(parseTenantList("acme, globex,")).toEqual(["acme", "globex"]);
    expect(() => parseMargin("150%")).toThrow(/--margin expects a fraction from 0 to 1/);
    expect(() => parseWindow("0s")).toThrow(/--window expects a duration/);
    expect(() => parseWindow("soon")).toThrow(/--window/);
    expect(() => parsePercent("0")).toThrow(/--percent expects a whole percent from 1 to 100/);
    expect(() => parseTenantList(",")).toThrow(/--tenants/);
  });
});

describe("rollouts through the library, across processes on one SQLite file", () => {
  const open: Gatehouse[] = [];
  afterEach(async () => {
    for (const g of open.splice(0)) await g.close();
  });

  it("a second Gatehouse learns of a start at open and of a rollback within its poll", async () => {
    const ws = workspace();
    const first = await Gatehouse.open(ws.store, { rolloutPollMs: 100 });
    open.push(first);
    await first.writeSchema(SCHEMA);
    await first.writeRelationships("acme", [
      {
        operation: "create",
        relationship: {
          resource: { type: "document", id: "a" },
          relation: "viewer",
          subject: { type: "user", id: "ann" },
        },
      },
    ]);
    await first.writeRelationships("globex", [
      {
        operation: "create",
        relationship: {
          resource: { type: "document", id: "a" },
          relation: "viewer",
          subject: { type: "user", id: "ann" },
        },
      },
    ]);
    const change = await first.changes.propose(parseChangeFile(modelChange(STRICTER), "change"), {
      tenant: "acme",
      actor: "ann",
    });
    await first.changes.plan(change.id, { actor: "ann" });
    // The plan takes access away: a rollout needs the approval an apply needs, and starts nothing without it.
    await expect(first.rollouts.start(change.id, { actor: "ann", tenants: ["acme"] })).rejects.toMatchObject({
      kind: "refused",
      message: expect.stringMatching(
        /change \d+ cannot be rolled out: a rollout needs what an apply needs[\s\S]*\d+ access(es)? would be lost; it needs an approval from someone other than its author `ann` \(`gatehouse change approve \d+ --as NAME`\)/,
      ),
    });
    expect(await first.store.latestRollout()).toBeUndefined();
    expect(await first.store.listAudit({ action: "rollout.start" })).toEqual([]);
    await first.changes.approve(change.id, { actor: "bob" });
    await first.rollouts.start(change.id, { actor: "ann", tenants: ["acme"] });

    const second = await Gatehouse.open(ws.store, { rolloutPollMs: 100 });
    open.push(second);
    const request = {
      resource: { type: "document", id: "a" },
      permission: "view",
      subject: { type: "user", id: "ann" },
    };
    expect(await second.check("acme", request)).toEqual({
      allowed: false,
      revision: 3,
      schema: { candidate: change.id },
    });
    expect(await second.check("globex", request)).toEqual({
      allowed: true,
      revision: 3,
      schema: { version: 1 },
    });
    expect(await second.checkBatch("acme", [request])).toMatchObject({
      results: [false],
      schema: { candidate: change.id },
    });
    // The decision log says which schema gave each answer.
    expect((await second.listDecisions()).map((d) => [d.tenant, d.allowed, d.schema])).toEqual([
      ["acme", false, { candidate: change.id }],
      ["globex", true, { version: 1 }],
      ["acme", false, { candidate: change.id }],
    ]);
    expect((await second.listDecisions({ schema: { candidate: change.id } })).map((d) => d.tenant)).toEqual([
      "acme",
      "acme",
    ]);

    await first.rollouts.rollback({ actor: "ann" });
    const until = Date.now() + 2_000;
    while ("candidate" in (await second.check("acme", request)).schema) {
      expect(Date.now()).toBeLessThan(until);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await second.check("acme", request)).toEqual({
      allowed: true,
      revision: 3,
      schema: { version: 1 },
    });
  });
});

describe("a candidate that drops a permission", () => {
  it("answers rolled-out tenants with an error, which the monitor counts as a denial and rolls back", async () => {
    const g = await Gatehouse.open(":memory:", { rolloutPollMs: 0 });
    try {
      const withShare = SCHEMA.replace(
        "permission view = viewer",
        "permission view = viewer\n  permission share = viewer",
      );
      await g.writeSchema(withShare);
      await g.importRelationships("acme", "document:a#viewer@user:ann");
      const change = await g.changes.propose(parseChangeFile(modelChange(SCHEMA), "change"), {
        tenant: "acme",
        actor: "ann",
      });
      await g.changes.plan(change.id, { actor: "ann" });
      await g.changes.approve(change.id, { actor: "bob" });
      await g.rollouts.start(change.id, {
        actor: "ann",
        tenants: ["acme"],
        monitor: { minChecks: 3, margin: 0.5, windowSeconds: 60 },
      });
      const share = {
        resource: { type: "document", id: "a" },
        permission: "share",
        subject: { type: "user", id: "ann" },
      };
      for (let i = 0; i < 3; i++) await expect(g.check("acme", share)).rejects.toThrow(/share/);
      expect(await g.check("acme", share)).toEqual({ allowed: true, revision: 2, schema: { version: 1 } });
      const until = Date.now() + 2_000;
      while ((await g.rollouts.status()).rollout?.state === "running") {
        expect(Date.now()).toBeLessThan(until);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const { rollout } = await g.rollouts.status();
      expect(rollout).toMatchObject({
        state: "rolled_back",
        endedBy: "monitor",
        trip: { permission: "document#share", checks: 3, candidateDenies: 3, baselineDenies: 0 },
      });
      expect(g.rollouts.counters).toEqual({ candidateChecks: 0, trips: 1 });
    } finally {
      await g.close();
    }
  });
});

describe("a change applied outside its rollout", () => {
  it("ends the rollout as completed, audited; the schema is applied once", async () => {
    const g = await Gatehouse.open(":memory:", { rolloutPollMs: 0 });
    try {
      await g.writeSchema(SCHEMA);
      await g.importRelationships("acme", "document:a#viewer@user:ann\ndocument:a#cleared@user:ann");
      const change = await g.changes.propose(parseChangeFile(modelChange(STRICTER), "change"), {
        tenant: "acme",
        actor: "ann",
      });
      await g.changes.plan(change.id, { actor: "ann" });
      await g.rollouts.start(change.id, { actor: "ann", tenants: ["acme"] });
      const { revision } = await g.changes.apply(change.id, { actor: "bob" });
      const { rollout } = await g.rollouts.status();
      expect(rollout).toMatchObject({
        state: "completed",
        endReason: expect.stringMatching(/applied outside the rollout/),
      });
      const audit = await g.store.listAudit({ action: "rollout.complete" });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ target: `rollout:${rollout!.id}`, revision });
      await expect(g.rollouts.promote({ actor: "ann", all: true })).rejects.toMatchObject({
        kind: "conflict",
      });
      expect((await g.store.listSchemaVersions()).length).toBe(2);
      const request = {
        resource: { type: "document", id: "a" },
        permission: "view",
        subject: { type: "user", id: "ann" },
      };
      expect(await g.check("acme", request)).toEqual({ allowed: true, revision, schema: { version: 2 } });
    } finally {
      await g.close();
    }
  });
});

describe("rollouts through the client", () => {
  it("starts, promotes, shows and rolls back; errors come back typed", async () => {
    const s = await startServer();
    try {
      const admin = await s.token("root", "admin");
      const client = new GatehouseClient({ url: s.url, token: admin });
      const reviewer = new GatehouseClient({ url: s.url, token: await s.token("rita", "approve") });
      await client.writeSchema(SCHEMA);
      for (const tenant of ["acme", "globex", "initech"])
        await client.writeRelationships(tenant, [
          { operation: "create", relationship: "document:a#viewer@user:ann" },
        ]);
      const { id } = await client.proposeChange("acme", modelChange(STRICTER));
      const planned = await client.planChange(id);
      expect(await client.rolloutStatus()).toEqual({ rollout: null, rolledOut: [], next: null, windows: [] });
      // Blocked (three tenants lose access): 409, nothing started, until someone else approves.
      const blocked = await client
        .startRollout({ changeId: id, tenants: ["acme"] })
        .catch((e: unknown) => e as GatehouseApiError);
      expect(blocked).toBeInstanceOf(GatehouseApiError);
      expect((blocked as GatehouseApiError).status).toBe(409);
      expect((blocked as GatehouseApiError).message).toMatch(
        new RegExp(
          `change ${id} cannot be rolled out[\\s\\S]*needs an approval from someone other than its author \`root\``,
        ),
      );
      expect(await client.rolloutStatus()).toEqual({ rollout: null, rolledOut: [], next: null, windows: [] });
      await reviewer.approveChange(id, planned.planId!);
      const started = await client.startRollout({
        changeId: id,
        tenants: ["acme"],
        minChecks: 5,
        windowSeconds: 30,
        margin: 0.2,
      });
      expect(started).toMatchObject({
        state: "running",
        changeId: id,
        monitor: { margin: 0.2, windowSeconds: 30, minChecks: 5 },
      });
      expect(
        await client.check("acme", { resource: "document:a", permission: "view", subject: "user:ann" }),
      ).toMatchObject({
        allowed: false,
        schema: { candidate: id },
      });
      const status = await client.rolloutStatus();
      expect(status).toMatchObject({ rolledOut: ["acme"], next: "all" });
      expect(status.windows).toMatchObject([
        { permission: "document#view", checks: 1, candidateDenies: 1, baselineDenies: 0 },
      ]);
      expect(await client.promoteRollout({ tenants: ["globex"] })).toMatchObject({
        step: 1,
        tenants: ["acme", "globex"],
      });
      const rolledBack = await client.rollbackRollout("enough");
      expect(rolledBack).toMatchObject({ state: "rolled_back", endReason: "enough", endedBy: "root" });
      const error = await client.rollbackRollout().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatehouseApiError);
      expect((error as GatehouseApiError).status).toBe(409);
    } finally {
      await s.close();
    }
  });
});

describe("gatehouse rollout (CLI)", () => {
  it("start, status, promote and rollback, with --json and clear errors with their exit codes", () => {
    const ws = workspace();
    const run = (...args: string[]) => gatehouse(["--store", ws.store, "--as", "ann", ...args]);
    const ok = (...args: string[]) => {
      const r = run(...args);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    ok("schema", "write", ws.file("schema.zed", SCHEMA));
    for (const tenant of ["acme", "globex"])
      ok("--tenant", tenant, "relationship", "create", "document:a", "viewer", "user:ann");
    ok("--tenant", "acme", "change", "propose", ws.file("change.yaml", modelChange(STRICTER)));
    // The plan loses access, so it is blocked (exit 6) until approved: a rollout is how to learn more.
    expect(run("change", "plan", "1").code).toBe(6);
    ok(
      "--tenant",
      "acme",
      "change",
      "propose",
      ws.file("grant.yaml", "intent: grant\nreason: r\nwrite:\n  - document:b#viewer@user:bob\n"),
    );

    expect(ok("rollout", "status")).toBe("no rollout has been started\n");
    const usage = run("rollout", "start", "1");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/needs --tenants A,B or --percent N/);
    const notModel = run("rollout", "start", "2", "--tenants", "acme");
    expect(notModel.code).toBe(3);
    expect(notModel.stderr).toMatch(/change 2 is not a model change/);
    expect(run("rollout", "start", "9", "--tenants", "acme").code).toBe(4);
    expect(run("rollout", "start", "1", "--tenants", "acme", "--window", "forever").code).toBe(2);
    // The plan is blocked: a rollout is refused (exit 6, nothing started) until someone else approves.
    const blocked = run("rollout", "start", "1", "--tenants", "acme");
    expect(blocked.code).toBe(6);
    expect(blocked.stderr).toMatch(
      /change 1 cannot be rolled out: a rollout needs what an apply needs, and its plan is blocked \(nothing was started or widened\)[\s\S]*needs an approval from someone other than its author `ann` \(`gatehouse change approve 1 --as NAME`\)/,
    );
    expect(ok("rollout", "status")).toBe("no rollout has been started\n");
    ok("--as", "bob", "change", "approve", "1");

    const started = JSON.parse(
      ok(
        "--json",
        "rollout",
        "start",
        "1",
        "--tenants",
        "acme",
        "--margin",
        "10%",
        "--window",
        "2m",
        "--min-checks",
        "30",
      ),
    );
    expect(started).toMatchObject({
      id: 1,
      changeId: 1,
      state: "running",
      tenants: ["acme"],
      monitor: { margin: 0.1, windowSeconds: 120, minChecks: 30 },
    });
    const again = run("rollout", "start", "1", "--percent", "10");
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/rollout 1 is running; only one rollout runs at a time/);

    const check = JSON.parse(
      ok("--json", "--tenant", "acme", "permission", "check", "document:a", "view", "user:ann"),
    );
    expect(check).toEqual({ allowed: false, revision: 3, schema: { candidate: 1 } });
    const other = JSON.parse(
      ok("--json", "--tenant", "globex", "permission", "check", "document:a", "view", "user:ann"),
    );
    expect(other).toEqual({ allowed: true, revision: 3, schema: { version: 1 } });
    // Each recorded decision names the schema that answered it, in --json and in text.
    const recorded = JSON.parse(ok("--json", "decisions", "list"));
    expect(recorded.map((d: { tenant: string; schema: unknown }) => [d.tenant, d.schema])).toEqual([
      ["acme", { candidate: 1 }],
      ["globex", { version: 1 }],
    ]);
    const lines = ok("decisions", "list", "--schema", "candidate:1").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/acme .* denied .*document:a#view@user:ann {2}\(candidate of change 1\)$/);
    const badSchema = run("decisions", "list", "--schema", "change 1");
    expect(badSchema.code).toBe(3);
    expect(badSchema.stderr).toMatch(
      /invalid schema `change 1`: expected `version:N` or `candidate:CHANGE_ID`/,
    );

    expect(ok("rollout", "status")).toMatch(
      /rollout 1 of change 1: running, step 0 \(tenants acme\)[\s\S]*answered by the candidate: acme/,
    );
    // Planned again, the change's approval no longer counts: no promotion, to all or to a step.
    expect(run("change", "plan", "1").code).toBe(6);
    const refused = run("rollout", "promote", "--all");
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/needs an approval from someone other than its author/);
    const step = run("rollout", "promote", "--tenants", "globex");
    expect(step.code).toBe(6);
    expect(step.stderr).toMatch(/change 1 cannot be promoted[\s\S]*needs an approval/);
    expect(JSON.parse(ok("--json", "rollout", "status")).rolledOut).toEqual(["acme"]);
    ok("--as", "carol", "change", "approve", "1");
    ok("rollout", "promote", "--tenants", "globex");
    expect(JSON.parse(ok("--json", "rollout", "status")).rolledOut).toEqual(["acme", "globex"]);
    expect(ok("rollout", "rollback", "--reason", "not yet")).toBe("rollout 1 rolled back\n");
    expect(ok("rollout", "status")).toMatch(/rolled back[\s\S]*by ann: not yet/);
    expect(run("rollout", "rollback").code).toBe(5);
    // About forty CLI processes: give a shared, loaded machine room.
  }, 180_000);
});
