import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantBucket } from "../../src/rollout/rollout-buckets.js";
import { CLI, gatehouse } from "../support/cli.js";
import { cliDriver, type DrillDriver, httpDriver } from "../support/drill-driver.js";
import { postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * Drill 003 (seeds/003), rollout half: a stricter permission requirement (link generation now
 * also needs environment access, which many role setups lack) is rolled out to one tenant
 * through a real server. Its deny rate jumps against the active schema's answers to the same
 * checks, the monitor rolls the rollout back by itself, and no other tenant ever saw it.
 */
const SCHEMA = `definition user {}

definition org {
  relation admin: user
  relation member: user
  relation env_access: user
  permission view = member + admin
  permission generate_link = member + admin
}

definition document {
  relation org: org
  relation viewer: user
  permission view = viewer + org->view
  permission generate_link = org->generate_link
}
`;
const STRICTER = SCHEMA.replace(
  "permission generate_link = member + admin",
  "permission generate_link = (member + admin) & env_access",
);

const TENANTS = ["acme", "globex", "initech", "umbrella"] as const;
const USERS = 30;
const DOCUMENTS = 5;

/** Role setups, varied by tenant: admins, members, some with environment access, some with nothing. */
function roles(tenant: string, i: number) {
  const shift = TENANTS.indexOf(tenant as (typeof TENANTS)[number]);
  return {
    admin: (i + shift) % 6 === 0,
    member: i % 2 === 0 || (i + shift) % 5 === 0,
    env: (i + shift) % 4 === 0,
    viewerOf: i % 7 === 0 ? `d${i % DOCUMENTS}` : undefined,
  };
}

function tuples(tenant: string): string[] {
  const lines: string[] = [];
  for (let d = 0; d < DOCUMENTS; d++) lines.push(`document:d${d}#org@org:main`);
  for (let i = 0; i < USERS; i++) {
    const r = roles(tenant, i);
    if (r.admin) lines.push(`org:main#admin@user:u${i}`);
    if (r.member) lines.push(`org:main#member@user:u${i}`);
    if (r.env) lines.push(`org:main#env_access@user:u${i}`);
    if (r.viewerOf) lines.push(`document:${r.viewerOf}#viewer@user:u${i}`);
  }
  return lines;
}

/** The answers, computed from the role setups without Gatehouse: under the active schema, and the stricter one. */
function expected(tenant: string, check: string, schema: "active" | "candidate"): boolean {
  const match = /^document:(d\d+)#(view|generate_link)@user:u(\d+)$/.exec(check);
  if (!match) throw new Error(`unexpected check ${check}`);
  const [, doc, permission, user] = match;
  const r = roles(tenant, Number(user));
  const inOrg = r.admin || r.member;
  if (permission === "view") return r.viewerOf === doc || inOrg;
  return schema === "active" ? inOrg : inOrg && r.env;
}

/** One round of traffic for a tenant: every user asks to view and to generate a link. */
function traffic(round: number): string[] {
  const checks: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const doc = `d${(i + round) % DOCUMENTS}`;
    checks.push(`document:${doc}#generate_link@user:u${i}`, `document:${doc}#view@user:u${i}`);
  }
  return checks;
}

const split = (check: string) => {
  const [resource, rest] = check.split("#") as [string, string];
  const [permission, subject] = rest.split("@") as [string, string];
  return { resource, permission, subject };
};

const changeFile = (schema: string, reason: string) =>
  `intent: model\nreason: ${reason}\nschema: |\n${schema
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n`;

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A server with the schema and every tenant's data, and tokens for an operator, a reviewer and an app. */
async function world(store = ":memory:") {
  const s = await startServer(store);
  const ops = await s.token("ops", "admin");
  const reviewer = await s.token("reviewer", "approve");
  const app = await s.token("app", "check");
  const must = async (r: Promise<{ status: number; body: any }>) => {
    const res = await r;
    if (res.status !== 200) throw new Error(`${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await must(s.call("PUT", "/v1/schema", { token: ops, body: { schema: SCHEMA } }));
  for (const tenant of TENANTS) {
    await must(
      s.call("POST", `/v1/tenants/${tenant}/import`, {
        token: ops,
        body: { relationships: tuples(tenant).join("\n") },
      }),
    );
  }
  const propose = async (schema: string, reason: string) => {
    const { id } = await must(
      s.call("POST", "/v1/tenants/acme/changes", { token: ops, body: { file: changeFile(schema, reason) } }),
    );
    await must(s.call("POST", `/v1/changes/${id}/plan`, { token: ops }));
    return id as number;
  };
  const check = async (tenant: string, query: string) =>
    must(s.call("POST", `/v1/tenants/${tenant}/check`, { token: app, body: split(query) }));
  return { s, ops, reviewer, app, must, propose, check };
}

type World = Awaited<ReturnType<typeof world>>;

// The main drill runs on both stores: SQLite (in memory) and PostgreSQL (a schema of its own).
const postgresMain = await postgresUrlForTest("drill003_main");
const stores: Array<[string, string, (() => Promise<void>) | undefined]> = [
  ["SQLite", ":memory:", undefined],
];
if (!postgresMain.skip) stores.push(["PostgreSQL", postgresMain.url!, postgresMain.drop]);

describe.each(stores)(
  "drill 003 through the HTTP API on %s: a stricter link permission rolled out to one tenant",
  (_name, location, drop) => {
    let w: World;
    let changeId: number;

    beforeAll(async () => {
      w = await world(location);
      changeId = await w.propose(STRICTER, "link generation also requires environment access");
    });
    afterAll(async () => {
      await w.s.close();
      await drop?.();
    });

    it("the monitor trips, the rollout rolls back by itself, and other tenants never see the candidate", async () => {
      const { s, ops, reviewer, app, must, check } = w;
      const body = { changeId, tenants: ["acme"], margin: 0.1, windowSeconds: 60, minChecks: 20 };
      // The plan takes access away: like an apply, the rollout waits for someone else's approval.
      const blocked = await s.call("POST", "/v1/rollout/start", { token: ops, body });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error).toMatchObject({ kind: "refused" });
      expect(blocked.body.error.message).toMatch(
        new RegExp(
          `change ${changeId} cannot be rolled out: a rollout needs what an apply needs[\\s\\S]*accesses would be lost; it needs an approval from someone other than its author \`ops\` \\(\`gatehouse change approve ${changeId} --as NAME\`\\)`,
        ),
      );
      expect((await must(s.call("GET", "/v1/rollout", { token: ops }))).rollout).toBeNull();
      expect((await check("acme", "document:d1#generate_link@user:u2")).schema).toEqual({ version: 1 });
      await must(approveNewestPlan(s, changeId, reviewer));
      const start = await s.call("POST", "/v1/rollout/start", { token: ops, body });
      expect(start.status, JSON.stringify(start.body)).toBe(200);
      expect(start.body).toMatchObject({ state: "running", tenants: ["acme"], percent: 0, step: 0 });

      // While it runs, every query surface says which schema answered, tenant by tenant.
      const denied = "document:d1#generate_link@user:u2"; // a member without environment access
      expect(expected("acme", denied, "active")).toBe(true);
      expect(expected("acme", denied, "candidate")).toBe(false);
      expect(await check("acme", denied)).toMatchObject({ allowed: false, schema: { candidate: changeId } });
      expect(await check("globex", denied)).toMatchObject({ allowed: true, schema: { version: 1 } });
      const explained = await must(
        s.call("POST", "/v1/tenants/acme/explain", { token: app, body: split(denied) }),
      );
      expect(explained).toMatchObject({ allowed: false, schema: { candidate: changeId } });
      const lookup = (tenant: string) =>
        must(
          s.call("POST", `/v1/tenants/${tenant}/lookup-resources`, {
            token: app,
            body: { resourceType: "document", permission: "generate_link", subject: "user:u2" },
          }),
        );
      expect(await lookup("acme")).toMatchObject({ resources: [], schema: { candidate: changeId } });
      expect((await lookup("initech")).schema).toEqual({ version: 1 });
      const subjects = await must(
        s.call("POST", "/v1/tenants/acme/lookup-subjects", {
          token: app,
          body: { resource: "document:d0", permission: "generate_link", subjectType: "user" },
        }),
      );
      expect(subjects.schema).toEqual({ candidate: changeId });
      expect(subjects.subjects.map((x: { subject: string }) => x.subject).sort()).toEqual(
        Array.from({ length: USERS }, (_, i) => `user:u${i}`)
          .filter((u) => expected("acme", `document:d0#generate_link@${u}`, "candidate"))
          .sort(),
      );
      const batch = await must(
        s.call("POST", "/v1/tenants/acme/checks", { token: app, body: { checks: [split(denied)] } }),
      );
      expect(batch).toMatchObject({ results: [false], schema: { candidate: changeId } });
      let metrics = (await s.call("GET", "/metrics")).body as string;
      expect(metrics).toMatch(/^gatehouse_rollout_running 1$/m);
      expect(metrics).toMatch(/^gatehouse_rollout_tenants 1$/m);

      // Traffic over every tenant, interleaved, until the rollout has ended.
      const answers: Array<{ tenant: string; query: string; allowed: boolean; schema: unknown }> = [];
      for (let round = 0; round < 4; round++) {
        for (const query of traffic(round)) {
          for (const tenant of TENANTS) {
            const { allowed, schema } = await check(tenant, query);
            answers.push({ tenant, query, allowed, schema });
          }
        }
      }

      for (const a of answers.filter((x) => x.tenant !== "acme")) {
        expect(a.schema).toEqual({ version: 1 });
        expect(a.allowed, `${a.tenant} ${a.query}`).toBe(expected(a.tenant, a.query, "active"));
      }
      const acme = answers.filter((x) => x.tenant === "acme");
      const firstActive = acme.findIndex((a) => "version" in (a.schema as object));
      expect(firstActive).toBeGreaterThan(20);
      for (const [i, a] of acme.entries()) {
        // Candidate answers first, then (after the trip) the active schema's, never mixed again.
        const by = i < firstActive ? "candidate" : "active";
        expect(a.schema).toEqual(by === "candidate" ? { candidate: changeId } : { version: 1 });
        expect(a.allowed, `acme ${a.query} (${by})`).toBe(expected("acme", a.query, by));
      }

      const status = await eventually("the rollback to reach the store", async () => {
        const body = await must(s.call("GET", "/v1/rollout", { token: ops }));
        return body.rollout.state === "rolled_back" ? body : undefined;
      });
      expect(status.rollout).toMatchObject({ endedBy: "monitor", changeId });
      expect(status.rollout.endReason).toMatch(/deny-rate monitor: `document#generate_link` denied/);
      expect(status.rollout.trip).toMatchObject({
        permission: "document#generate_link",
        margin: 0.1,
        minChecks: 20,
      });
      expect(status.rollout.trip.checks).toBeGreaterThanOrEqual(20);
      expect(status.rollout.trip.candidateDenyRate - status.rollout.trip.baselineDenyRate).toBeGreaterThan(
        0.1,
      );
      expect(status.rolledOut).toEqual([]);

      const audit = await must(s.call("GET", "/v1/audit?action=rollout.rollback", { token: ops }));
      expect(audit.records).toHaveLength(1);
      expect(audit.records[0]).toMatchObject({
        actor: "monitor",
        target: `rollout:${status.rollout.id}`,
        details: { permission: "document#generate_link", changeId },
      });

      metrics = (await s.call("GET", "/metrics")).body as string;
      expect(metrics).toMatch(/^gatehouse_rollout_monitor_trips_total 1$/m);
      expect(metrics).toMatch(/^gatehouse_rollout_running 0$/m);
      const answered = Number(/^gatehouse_rollout_candidate_checks_total (\d+)$/m.exec(metrics)?.[1]);
      // The single check, the batch of one and the traffic answered before the trip.
      expect(answered).toBe(2 + firstActive);

      // After the rollback, the rolled-out tenant is answered by the active schema again.
      expect(await check("acme", denied)).toMatchObject({ allowed: true, schema: { version: 1 } });

      // The decision log says which answers the candidate gave: exactly those before the trip.
      const candidateAnswers = await must(
        s.call("GET", `/v1/tenants/acme/decisions?schema=candidate:${changeId}&limit=10000`, {
          token: reviewer,
        }),
      );
      expect(candidateAnswers.decisions).toHaveLength(answered);
      const globex = await must(
        s.call("GET", `/v1/tenants/globex/decisions?limit=10000`, { token: reviewer }),
      );
      expect(globex.decisions.length).toBeGreaterThan(0);
      for (const d of globex.decisions) expect(d.schema).toEqual({ version: 1 });

      // The change was never applied, yet the incident report covers its rollout: every check
      // the candidate denied that the active schema would have allowed is a check to redo.
      const toRedo = new Map<string, number>([[denied, 2]]); // the single check and the batch of one
      for (const a of acme.slice(0, firstActive))
        if (!a.allowed && expected("acme", a.query, "active"))
          toRedo.set(a.query, (toRedo.get(a.query) ?? 0) + 1);
      const denials = [...toRedo.values()].reduce((n, c) => n + c, 0);
      // Eight with this data and traffic (the single check, the batch, six of the traffic's).
      expect(denials).toBe(8);
      const report = await must(s.call("GET", `/v1/incident-report?change=${changeId}`, { token: reviewer }));
      expect(report).toMatchObject({ change: { id: changeId }, window: null, tenants: [] });
      expect(report.rollouts).toHaveLength(1);
      const [rollout] = report.rollouts;
      expect(rollout).toMatchObject({
        rollout: status.rollout.id,
        state: "rolled_back",
        endedBy: "monitor",
        activeSchema: 1,
        checksRead: answered,
        steps: [{ tenants: ["acme"], percent: 0 }],
      });
      expect(rollout.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(["acme"]);
      const [acmeReport] = rollout.tenants;
      expect(acmeReport.gained).toEqual([]);
      expect(acmeReport.used).toEqual([]);
      expect(acmeReport.lost.length).toBeGreaterThan(0);
      const reported = new Map<string, number>(
        acmeReport.denied.map(
          (u: { resource: string; permission: string; subject: string; checks: number }) => [
            `${u.resource}#${u.permission}@${u.subject}`,
            u.checks,
          ],
        ),
      );
      expect(reported).toEqual(toRedo);
      for (const u of acmeReport.denied) {
        expect(u.first >= rollout.since).toBe(true);
        expect(u.last <= rollout.until).toBe(true);
      }
      // The same report as a person reads it, through the CLI against the same store is not
      // possible here (in memory), so the Markdown comes from the library's renderer.
      const { incidentMarkdown } = await import("../../src/changes/incident-markdown.js");
      const markdown = incidentMarkdown(report);
      expect(markdown).toMatch(/never applied: it was only rolled out/);
      expect(markdown).toMatch(
        new RegExp(
          `## Rollout ${status.rollout.id}[\\s\\S]*rolled back by monitor[\\s\\S]*${answered} recorded checks answered by the candidate`,
        ),
      );
      expect(markdown).toMatch(
        /### Tenant `acme`[\s\S]*#### Checks to redo \(denied only because of the candidate\)/,
      );
      expect(markdown).toContain(`| \`user:u2\` | generate_link | \`document:d1\` | ${toRedo.get(denied)} |`);
    });

    it("bad input gets clear errors and writes nothing", async () => {
      const { s, ops, app, must } = w;
      const start = (body: unknown, token = ops) => s.call("POST", "/v1/rollout/start", { token, body });
      const grant = await must(
        s.call("POST", "/v1/tenants/acme/changes", {
          token: ops,
          body: { file: "intent: grant\nreason: onboarding\nwrite:\n  - org:main#member@user:u1\n" },
        }),
      );
      const unplanned = await must(
        s.call("POST", "/v1/tenants/acme/changes", {
          token: ops,
          body: { file: changeFile(STRICTER, "again") },
        }),
      );
      const before = (await must(s.call("GET", "/v1/audit", { token: ops }))).records.length;

      const cases: Array<[unknown, number, RegExp]> = [
        [{ changeId: 999, tenants: ["acme"] }, 404, /change 999 does not exist/],
        [
          { changeId: grant.id, tenants: ["acme"] },
          400,
          new RegExp(`change ${grant.id} is not a model change`),
        ],
        [{ changeId: unplanned.id, tenants: ["acme"] }, 409, /is proposed; only a planned model change/],
        [{ changeId, tenants: ["nobody"] }, 404, /tenant `nobody` does not exist/],
        [{ changeId, tenants: ["Not A Tenant"] }, 400, /tenant/],
        [{ changeId }, 400, /needs `--tenants A,B` or `--percent N`/],
        [{ changeId, percent: 0 }, 400, /percent/],
        [{ changeId, tenants: ["acme"], margin: 3 }, 400, /margin/],
      ];
      for (const [body, status, message] of cases) {
        const response = await start(body);
        expect(response.status, JSON.stringify(body)).toBe(status);
        expect(response.body.error.message).toMatch(message);
      }
      expect((await start({ changeId, tenants: ["acme"] }, app)).status).toBe(403);
      expect(
        (await s.call("POST", "/v1/rollout/promote", { token: ops, body: {} })).body.error.message,
      ).toMatch(/no rollout is running: rollout 1 is rolled back/);
      expect((await s.call("POST", "/v1/rollout/rollback", { token: ops, body: {} })).status).toBe(409);
      const after = (await must(s.call("GET", "/v1/audit", { token: ops }))).records;
      expect(after.slice(before).filter((r: { action: string }) => r.action.startsWith("rollout."))).toEqual(
        [],
      );

      // One rollout at a time.
      expect((await start({ changeId, tenants: ["globex"] })).status).toBe(200);
      const second = await start({ changeId, tenants: ["initech"] });
      expect(second.status).toBe(409);
      expect(second.body.error.message).toMatch(/rollout 2 is running; only one rollout runs at a time/);
      const back = await must(
        s.call("POST", "/v1/rollout/rollback", { token: ops, body: { reason: "drill over" } }),
      );
      expect(back).toMatchObject({ state: "rolled_back", endedBy: "ops", endReason: "drill over" });
      const manual = await must(s.call("GET", "/v1/audit?action=rollout.rollback&actor=ops", { token: ops }));
      expect(manual.records).toMatchObject([{ actor: "ops", reason: "drill over", target: "rollout:2" }]);
    });
  },
);

describe("rollout steps: stable percent buckets, promotion, and all only with the change's approvals", () => {
  let w: World;
  afterEach(async () => {
    await w.s.close();
  });

  it("percent buckets are stable as the percent grows, and promote steps through them", async () => {
    const names = Array.from({ length: 400 }, (_, i) => `tenant-${i}`);
    let previous = new Set<string>();
    for (const percent of [1, 5, 10, 25, 50, 100]) {
      const inside = new Set(names.filter((n) => tenantBucket(n) < percent));
      for (const n of previous) expect(inside.has(n), `${n} left at ${percent}%`).toBe(true);
      expect(inside.size / names.length).toBeGreaterThan(percent / 100 - 0.06);
      expect(inside.size / names.length).toBeLessThan(percent / 100 + 0.06);
      previous = inside;
    }
    expect(names.map(tenantBucket)).toEqual(names.map(tenantBucket));

    w = await world();
    const { s, ops, reviewer, must, propose, check } = w;
    const id = await propose(STRICTER, "stricter links");
    await must(approveNewestPlan(s, id, reviewer));
    const rolledOut = (percent: number) => TENANTS.filter((t) => tenantBucket(t) < percent).sort();
    const started = await must(
      s.call("POST", "/v1/rollout/start", { token: ops, body: { changeId: id, percent: 25 } }),
    );
    expect(started.percent).toBe(25);
    let status = await must(s.call("GET", "/v1/rollout", { token: ops }));
    expect(status).toMatchObject({ rolledOut: rolledOut(25), next: "50%" });
    for (const tenant of TENANTS) {
      const answer = await check(tenant, "document:d1#generate_link@user:u2");
      expect(answer.schema).toEqual(rolledOut(25).includes(tenant) ? { candidate: id } : { version: 1 });
    }
    const promoted = await must(s.call("POST", "/v1/rollout/promote", { token: ops, body: {} }));
    expect(promoted).toMatchObject({ step: 1, percent: 50 });
    status = await must(s.call("GET", "/v1/rollout", { token: ops }));
    expect(status).toMatchObject({ rolledOut: rolledOut(50), next: "all" });
    for (const tenant of rolledOut(25)) expect(status.rolledOut).toContain(tenant);
    const narrower = await s.call("POST", "/v1/rollout/promote", { token: ops, body: { percent: 10 } });
    expect(narrower.status).toBe(400);
    expect(narrower.body.error.message).toMatch(/must be above 50/);
    const withTenant = await must(
      s.call("POST", "/v1/rollout/promote", { token: ops, body: { tenants: ["umbrella"], reason: "pilot" } }),
    );
    expect(withTenant).toMatchObject({ step: 2, percent: 50, tenants: ["umbrella"] });
    expect((await check("umbrella", "document:d1#generate_link@user:u2")).schema).toEqual({ candidate: id });
    const audit = await must(s.call("GET", "/v1/audit?action=rollout.promote", { token: ops }));
    expect(audit.records.map((r: { details: { step: number } }) => r.details.step)).toEqual([1, 2]);
  });

  it("promote to all applies the change the normal way: refused without its approval, then applied", async () => {
    w = await world();
    const { s, ops, reviewer, must, propose, check } = w;
    const id = await propose(STRICTER, "stricter links");
    await must(approveNewestPlan(s, id, reviewer));
    await must(
      s.call("POST", "/v1/rollout/start", { token: ops, body: { changeId: id, tenants: ["acme"] } }),
    );
    // Planned again while it rolls out: the approval was of the old plan and no longer counts.
    await s.call("POST", `/v1/changes/${id}/plan`, { token: ops });
    const step = await s.call("POST", "/v1/rollout/promote", { token: ops, body: { tenants: ["globex"] } });
    expect(step.status).toBe(409);
    expect(step.body.error.message).toMatch(new RegExp(`change ${id} cannot be promoted`));
    const refused = await s.call("POST", "/v1/rollout/promote", { token: ops, body: { all: true } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ kind: "refused" });
    expect(refused.body.error.message).toMatch(/needs an approval from someone other than its author/);
    let status = await must(s.call("GET", "/v1/rollout", { token: ops }));
    expect(status.rollout).toMatchObject({ state: "running", step: 0 });
    expect((await check("globex", "document:d1#generate_link@user:u2")).schema).toEqual({ version: 1 });

    const planId = (await must(s.call("GET", `/v1/changes/${id}`, { token: reviewer }))).plan.planId;
    const second = await s.token("reviewer2", "approve");
    await must(s.call("POST", `/v1/changes/${id}/approve`, { token: second, body: { plan: planId } }));
    // Promote (no step given) from a tenants-only rollout goes to all.
    const done = await must(s.call("POST", "/v1/rollout/promote", { token: ops, body: {} }));
    expect(done).toMatchObject({ state: "completed", step: 1, endedBy: "ops" });
    expect(done.endReason).toMatch(new RegExp(`change ${id} applied at revision ${done.revision}`));
    expect((await must(s.call("GET", `/v1/changes/${id}`, { token: ops }))).state).toBe("applied");
    status = await must(s.call("GET", "/v1/rollout", { token: ops }));
    expect(status).toMatchObject({ rollout: { state: "completed" }, rolledOut: [], next: null });
    for (const tenant of TENANTS) {
      const query = "document:d1#generate_link@user:u2";
      const answer = await check(tenant, query);
      expect(answer).toMatchObject({ allowed: expected(tenant, query, "candidate"), schema: { version: 2 } });
    }
    const promotions = await must(s.call("GET", "/v1/audit?action=rollout.promote", { token: ops }));
    expect(promotions.records).toMatchObject([{ actor: "ops", details: { to: "all", changeId: id } }]);
  });
});

// Two `gatehouse serve` processes on one PostgreSQL: a rollout started through node A answers
// rolled-out tenants with the candidate on node B too, and B follows its rollback.
const postgres = await postgresUrlForTest("drill003");

async function startNode(store: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "--store", store, "serve", "--port", "0"], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  for (let i = 0; i < 100; i++) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(stderr);
    if (match) return { process: child, url: match[1]! };
    if (child.exitCode !== null) throw new Error(`node exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`node did not start: ${stderr}`);
}

describe.skipIf(postgres.skip)(
  `drill 003 on two nodes sharing PostgreSQL${postgres.skip ? ` (skipped: ${postgres.reason})` : ""}`,
  () => {
    const nodes: Array<{ process: ChildProcess; url: string }> = [];
    afterAll(async () => {
      for (const node of nodes) {
        if (node.process.exitCode === null) {
          node.process.kill("SIGTERM");
          await once(node.process, "exit");
        }
      }
      await postgres.drop?.();
    });

    it("node B answers rolled-out tenants with the candidate, and follows the rollback within a second", async () => {
      const store = postgres.url!;
      const run = (...args: string[]) => {
        const r = gatehouse(["--store", store, "--as", "ops", ...args]);
        expect(r.code, r.stderr).toBe(0);
        return r.stdout;
      };
      const w = await world(store);
      const token = w.ops;
      const id = await w.propose(STRICTER, "stricter links");
      await w.must(approveNewestPlan(w.s, id, w.reviewer));
      await w.s.close();
      const a = await startNode(store);
      const b = await startNode(store);
      nodes.push(a, b);
      const call = async (node: { url: string }, method: string, path: string, body?: unknown) => {
        const response = await fetch(`${node.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as any };
      };
      const schemaOn = async (node: { url: string }, tenant: string) =>
        (await call(node, "POST", `/v1/tenants/${tenant}/check`, split("document:d1#generate_link@user:u2")))
          .body.schema;
      expect(await schemaOn(b, "acme")).toEqual({ version: 1 });

      const started = await call(a, "POST", "/v1/rollout/start", { changeId: id, tenants: ["acme"] });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const t0 = Date.now();
      await eventually("node B to answer acme with the candidate", async () =>
        "candidate" in (await schemaOn(b, "acme")) ? true : undefined,
      );
      expect(Date.now() - t0).toBeLessThan(1_500);
      expect(await schemaOn(b, "globex")).toEqual({ version: 1 });
      const batch = await call(b, "POST", "/v1/tenants/acme/checks", {
        checks: [split("document:d1#generate_link@user:u2"), split("document:d1#generate_link@user:u0")],
      });
      expect(batch.body).toEqual({
        results: [false, true],
        revision: batch.body.revision,
        schema: { candidate: id },
      });

      // A CLI process opening the store learns of the rollout at open.
      const cli = JSON.parse(
        run("--json", "--tenant", "acme", "permission", "check", "document:d1", "generate_link", "user:u2"),
      );
      expect(cli).toMatchObject({ allowed: false, schema: { candidate: id } });
      expect(JSON.parse(run("--json", "rollout", "status")).rolledOut).toEqual(["acme"]);

      expect((await call(b, "POST", "/v1/rollout/rollback", { reason: "seen enough" })).status).toBe(200);
      await eventually("node A to follow the rollback", async () =>
        "version" in (await schemaOn(a, "acme")) ? true : undefined,
      );
    }, 60_000);
  },
);

/**
 * Drill 003 typed as a user would: `gatehouse schema write stricter.zed` (or `PUT /v1/schema`)
 * on a store full of role setups. The stricter requirement takes access away, so its plan holds
 * it back as a change: nothing goes live. Forced through by another person's approval, the
 * denied checks while it is live are exactly those the incident report lists; the revert gives
 * the access back at once.
 */
const drivers: Array<[string, () => Promise<DrillDriver>]> = [
  ["the CLI", async () => cliDriver()],
  ["HTTP", async () => httpDriver()],
];

describe.each(drivers)(
  "drill 003 through `schema write` in %s: held back by its plan",
  (_name, makeDriver) => {
    let d: DrillDriver;

    beforeAll(async () => {
      d = await makeDriver();
      await d.writeSchema(SCHEMA);
      for (const tenant of TENANTS) await d.importData(tenant, tuples(tenant));
    });
    afterAll(() => d.close());

    it("lists who loses link generation, changes no answer until approved, and is reported and reverted", async () => {
      // Who loses `generate_link`, from the role setups alone: org members and admins without
      // environment access, on the org and on every document.
      const losers: string[] = [];
      for (const tenant of TENANTS) {
        for (let i = 0; i < USERS; i++) {
          const r = roles(tenant, i);
          if (!(r.admin || r.member) || r.env) continue;
          losers.push(`${tenant} org:main#generate_link@user:u${i}`);
          for (let doc = 0; doc < DOCUMENTS; doc++)
            losers.push(`${tenant} document:d${doc}#generate_link@user:u${i}`);
        }
      }
      expect(losers.length).toBeGreaterThan(20);
      const answers = async (tenant: string, round: number) => d.checks(tenant, traffic(round));
      const expectedAnswers = (tenant: string, round: number, schema: "active" | "candidate") =>
        traffic(round).map((c) => expected(tenant, c, schema));

      const written = await d.schemaWrite(STRICTER, "architect");
      expect(written.ok).toBe(false);
      expect(written.heldBack).toBe(true);
      const id = written.change!;
      const plan = (await d.show(id)).json.plan;
      const lost = plan.lost.map(
        (r: { tenant: string; resource: string; permission: string; subject: string }) =>
          `${r.tenant} ${r.resource}#${r.permission}@${r.subject}`,
      );
      expect(lost.sort()).toEqual([...losers].sort());
      expect(plan.gained).toEqual([]);
      expect(plan.blocked).toBe(true);
      expect(plan.blockedBecause.join(" ")).toContain(`${losers.length} accesses would be lost`);
      expect(await d.readSchema()).not.toContain("& env_access");
      for (const tenant of TENANTS)
        expect(await answers(tenant, 0)).toEqual(expectedAnswers(tenant, 0, "active"));

      // Forced: approved by another person, applied; the stricter answers are live everywhere.
      expect((await d.apply(id, "architect")).ok).toBe(false);
      expect((await d.approve(id, "lead")).ok).toBe(true);
      expect((await d.apply(id, "architect")).ok).toBe(true);
      const denied: string[] = [];
      for (const tenant of TENANTS) {
        const got = await answers(tenant, 1);
        expect(got).toEqual(expectedAnswers(tenant, 1, "candidate"));
        const active = expectedAnswers(tenant, 1, "active");
        traffic(1).forEach((c, i) => {
          if (active[i] && !got[i]) denied.push(`${tenant} ${c}`);
        });
      }
      expect(denied.length).toBeGreaterThan(5);

      // The revert gives the access back: it takes nobody's, so it goes through at once.
      const revert = (await d.revert(id, "lead")).json;
      expect(revert.applied).toBe(true);
      for (const tenant of TENANTS)
        expect(await answers(tenant, 2)).toEqual(expectedAnswers(tenant, 2, "active"));

      const report = (await d.incidentReport({ change: id })).json;
      expect(report.window.revertedBy).toBe(revert.id);
      const reported: string[] = [];
      const reportedLost: string[] = [];
      for (const t of report.tenants) {
        expect(t.used).toEqual([]);
        for (const u of t.denied) {
          expect(u.checks).toBe(1);
          reported.push(`${t.tenant} ${u.resource}#${u.permission}@${u.subject}`);
        }
        for (const r of t.lost) reportedLost.push(`${t.tenant} ${r.resource}#${r.permission}@${r.subject}`);
      }
      expect(reported.sort()).toEqual(denied.sort());
      expect(reportedLost.sort()).toEqual([...losers].sort());
    }, 600_000); // the CLI driver runs about 20 commands
  },
);

/** Approves the plan a reviewer would see now: the change's newest (`plan` names it, issue 17.2). */
async function approveNewestPlan(server: RunningServer, id: number, token: string) {
  const shown = await server.call("GET", `/v1/changes/${id}`, { token });
  return server.call("POST", `/v1/changes/${id}/approve`, { token, body: { plan: shown.body.plan?.planId } });
}
