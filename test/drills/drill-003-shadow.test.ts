import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

// The drill runs through a real server on both stores: SQLite (in memory) and PostgreSQL.
const postgres = await postgresUrlForTest("drill003");

/**
 * Drill 003 (seeds/003): a stricter permission requirement blocked authorized users from
 * generating document-verification links. Here the stricter requirement runs in shadow first:
 * over a recorded workload across tenants and role setups, the shadow report names exactly the
 * subjects that would be blocked (computed here independently from the generated data), while
 * every answer stays the active schema's.
 */
const SCHEMA = `definition user {}

definition team {
  relation member: user
}

definition workspace {
  relation admin: user
  relation operator: user | team#member
  relation viewer: user | team#member
  relation environment: user | team#member
  permission generate_link = admin + operator
  permission view = viewer + operator + admin
  permission use_environment = environment + admin
}
`;
// The stricter check: generating a link now also needs access to the workspace's environment.
const STRICTER = SCHEMA.replace(
  "permission generate_link = admin + operator",
  "permission generate_link = (admin + operator) & environment",
);

/** One user's role setup in one workspace. */
interface Setup {
  readonly user: string;
  readonly admin: boolean;
  readonly operator: "none" | "direct" | "team";
  readonly viewer: boolean;
  readonly environment: "none" | "direct" | "team";
}

interface World {
  readonly tenant: string;
  readonly workspaces: Map<string, Setup[]>;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Workspaces whose users have every mix of roles, directly and through teams. */
function world(tenant: string, seed: number): World {
  const next = random(seed);
  const pick = <T>(options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
  const workspaces = new Map<string, Setup[]>();
  for (let w = 1; w <= 3; w++) {
    const setups: Setup[] = [];
    for (let u = 1; u <= 8; u++) {
      setups.push({
        user: `${tenant}-w${w}u${u}`,
        admin: next() < 0.25,
        operator: pick(["none", "direct", "team"] as const),
        viewer: next() < 0.5,
        environment: pick(["none", "direct", "team"] as const),
      });
    }
    workspaces.set(`ws${w}`, setups);
  }
  return { tenant, workspaces };
}

function tuples(w: World): string[] {
  const lines: string[] = [];
  for (const [ws, setups] of w.workspaces) {
    // One team per workspace and role, so that team membership means exactly that role there.
    for (const s of setups) {
      if (s.admin) lines.push(`workspace:${ws}#admin@user:${s.user}`);
      if (s.viewer) lines.push(`workspace:${ws}#viewer@user:${s.user}`);
      if (s.operator === "direct") lines.push(`workspace:${ws}#operator@user:${s.user}`);
      if (s.operator === "team") lines.push(`team:${ws}-operators#member@user:${s.user}`);
      if (s.environment === "direct") lines.push(`workspace:${ws}#environment@user:${s.user}`);
      if (s.environment === "team") lines.push(`team:${ws}-env#member@user:${s.user}`);
    }
    lines.push(`workspace:${ws}#operator@team:${ws}-operators#member`);
    lines.push(`workspace:${ws}#environment@team:${ws}-env#member`);
  }
  return lines;
}

/** The answers, computed from the role setups alone. */
const canGenerate = (s: Setup) => s.admin || s.operator !== "none";
// Admins too: the stricter rule asks every role setup for environment access.
const canGenerateStricter = (s: Setup) => canGenerate(s) && s.environment !== "none";
const canView = (s: Setup) => s.viewer || s.admin || s.operator !== "none";

interface Traffic {
  readonly tenant: string;
  readonly check: { resource: string; permission: string; subject: string };
  readonly setup: Setup;
}

/** A recorded day of traffic: link generation and views by random users, many of them repeated. */
function traffic(worlds: readonly World[], seed: number, size: number): Traffic[] {
  const next = random(seed);
  const out: Traffic[] = [];
  for (let i = 0; i < size; i++) {
    const w = worlds[Math.floor(next() * worlds.length)]!;
    const names = [...w.workspaces.keys()];
    const ws = names[Math.floor(next() * names.length)]!;
    const setups = w.workspaces.get(ws)!;
    const setup = setups[Math.floor(next() * setups.length)]!;
    const permission = next() < 0.6 ? "generate_link" : "view";
    out.push({
      tenant: w.tenant,
      check: { resource: `workspace:${ws}`, permission, subject: `user:${setup.user}` },
      setup,
    });
  }
  return out;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

const stores: Array<[string, () => Promise<{ url: string; drop?: () => Promise<void> }>]> = [
  ["SQLite", async () => ({ url: ":memory:" })],
];
if (!postgres.skip)
  stores.push(["PostgreSQL", async () => ({ url: postgres.url!, drop: () => postgres.drop!() })]);

describe.each(stores)(
  "drill 003 through the HTTP API on %s: a stricter link permission in shadow",
  (_name, target) => {
    const worlds = [world("acme", 3), world("globex", 5), world("initech", 9)];
    let s: RunningServer;
    let admin: string;
    let dev: string;
    let reader: string;
    // The shadow report says who was checked on what: it needs the approve role (issue 17 #11).
    let lead: string;
    let drop: (() => Promise<void>) | undefined;
    let changeId: number;
    const recorded = traffic(worlds, 17, 600);

    beforeAll(async () => {
      const store = await target();
      drop = store.drop;
      s = await startServer(store.url);
      admin = await s.token("root", "admin");
      dev = await s.token("dev", "propose");
      reader = await s.token("oncall", "check");
      lead = await s.token("lead", "approve");
      expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } })).status).toBe(
        200,
      );
      for (const w of worlds) {
        const imported = await s.call("POST", `/v1/tenants/${w.tenant}/import`, {
          token: admin,
          body: { relationships: tuples(w).join("\n") },
        });
        expect(imported.status).toBe(200);
      }
      const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
        token: dev,
        body: {
          file: `intent: model\nreason: link generation must respect environment access\nschema: |\n${indent(STRICTER)}\n`,
        },
      });
      expect(proposed.status).toBe(200);
      changeId = proposed.body.id;
      expect((await s.call("POST", `/v1/changes/${changeId}/plan`, { token: dev })).status).toBe(200);
    });
    afterAll(async () => {
      await s?.close();
      await drop?.();
    });

    it("reports exactly who would be blocked, while every answer stays the active schema's", async () => {
      const started = await s.call("POST", "/v1/shadow/start", {
        token: dev,
        body: { change: changeId, reason: "dark-launch the stricter link check" },
      });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({
        candidate: { change: changeId },
        running: true,
        startedBy: "dev",
      });

      // The recorded traffic, half one check per request, half in batches, as clients send it.
      for (let i = 0; i < recorded.length; i++) {
        const t = recorded[i]!;
        const expected = t.check.permission === "view" ? canView(t.setup) : canGenerate(t.setup);
        if (i % 2 === 0) {
          const answer = await s.call("POST", `/v1/tenants/${t.tenant}/check`, {
            token: reader,
            body: t.check,
          });
          expect(answer.body.allowed).toBe(expected);
        }
      }
      const odd = recorded.filter((_, i) => i % 2 === 1);
      for (const w of worlds) {
        const mine = odd.filter((t) => t.tenant === w.tenant);
        const answer = await s.call("POST", `/v1/tenants/${w.tenant}/checks`, {
          token: reader,
          body: { checks: mine.map((t) => t.check) },
        });
        expect(answer.body.results).toEqual(
          mine.map((t) => (t.check.permission === "view" ? canView(t.setup) : canGenerate(t.setup))),
        );
      }

      // Independently: the checks of link generation that pass now and fail under the stricter rule.
      const blocked = new Map<string, number>();
      for (const t of recorded) {
        if (t.check.permission !== "generate_link") continue;
        if (canGenerate(t.setup) && !canGenerateStricter(t.setup)) {
          const key = `${t.tenant} ${t.check.resource} ${t.check.subject}`;
          blocked.set(key, (blocked.get(key) ?? 0) + 1);
        }
      }
      expect(blocked.size).toBeGreaterThan(5);
      expect(new Set([...blocked.keys()].map((k) => k.split(" ")[0])).size).toBe(3);

      const report = await s.call("GET", "/v1/shadow", { token: lead });
      expect(report.status).toBe(200);
      const r = report.body;
      expect(r.checks).toBe(recorded.length);
      expect(r.candidate).toEqual({ change: changeId });
      expect(r.running).toBe(true);
      expect(r.truncated).toBe(false);
      expect(r.wouldAllow).toBe(0);
      expect(r.wouldBlock).toBe([...blocked.values()].reduce((a, b) => a + b, 0));
      const reported = new Map<string, number>();
      for (const d of r.divergences) {
        expect(d).toMatchObject({ permission: "generate_link", active: true, candidate: false });
        reported.set(`${d.tenant} ${d.resource} ${d.subject}`, d.count);
      }
      expect(reported).toEqual(blocked);
      const perTenant = new Map<string, number>();
      for (const [key, n] of blocked)
        perTenant.set(key.split(" ")[0]!, (perTenant.get(key.split(" ")[0]!) ?? 0) + n);
      expect(r.byPermission).toEqual(
        [...perTenant.entries()].sort().map(([tenant, n]) => ({
          tenant,
          permission: "workspace#generate_link",
          wouldBlock: n,
          wouldAllow: 0,
        })),
      );

      // The metrics say the same, by direction and permission.
      const metrics = (await s.call("GET", "/metrics")).body as string;
      expect(metrics).toContain("gatehouse_shadow_active 1");
      expect(metrics).toContain(
        `gatehouse_shadow_divergences_total{direction="would_block",permission="workspace#generate_link"} ${r.wouldBlock}`,
      );
      const viewChecks = recorded.filter((t) => t.check.permission === "view").length;
      expect(metrics).toContain(`gatehouse_shadow_checks_total{evaluated="false"} ${viewChecks}`);

      // Replaying the decision log of the same traffic against the change agrees with the shadow.
      const replayed = await s.call("POST", "/v1/replay", {
        token: dev,
        body: { change: changeId, since: "1h" },
      });
      expect(replayed.status).toBe(200);
      expect(replayed.body.checks).toBe(recorded.length);
      expect(replayed.body.divergences).toEqual(r.divergences);
      expect(replayed.body.byPermission).toEqual(r.byPermission);
      expect(replayed.body).toMatchObject({ wouldBlock: r.wouldBlock, wouldAllow: 0, truncated: false });
      expect(replayed.body.evaluated).toBe(
        new Set(
          recorded
            .filter((t) => t.check.permission === "generate_link")
            .map((t) => `${t.tenant} ${t.check.resource} ${t.check.subject}`),
        ).size,
      );

      const stopped = await s.call("POST", "/v1/shadow/stop", {
        token: dev,
        body: { reason: "seen enough" },
      });
      expect(stopped.status).toBe(200);
      expect(stopped.body.running).toBe(false);
      // After the stop, checks are no longer counted, and the report stays readable.
      await s.call("POST", "/v1/tenants/acme/check", { token: reader, body: recorded[0]!.check });
      const after = (await s.call("GET", "/v1/shadow", { token: lead })).body;
      expect(after).toMatchObject({ running: false, checks: recorded.length, wouldBlock: r.wouldBlock });
      expect((await s.call("GET", "/metrics")).body).toContain("gatehouse_shadow_active 0");

      const audit = (await s.call("GET", `/v1/audit?target=change:${changeId}`, { token: admin })).body
        .records;
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        "change.propose",
        "change.plan",
        "shadow.start",
        "shadow.stop",
      ]);
    });

    it("refuses bad requests and writes nothing", async () => {
      const none = await s.call("POST", "/v1/shadow/stop", { token: dev, body: {} });
      expect(none.status).toBe(404);
      expect(none.body.error.message).toBe("no shadow evaluation is running");
      const unknown = await s.call("POST", "/v1/shadow/start", { token: dev, body: { change: 999 } });
      expect(unknown.status).toBe(404);
      const malformed = await s.call("POST", "/v1/shadow/start", { token: dev, body: { change: "x" } });
      expect(malformed.status).toBe(400);
      const grant = await s.call("POST", "/v1/tenants/acme/changes", {
        token: dev,
        body: { file: "intent: grant\nreason: r\nwrite:\n  - workspace:ws1#viewer@user:zed\n" },
      });
      const notModel = await s.call("POST", "/v1/shadow/start", {
        token: dev,
        body: { change: grant.body.id },
      });
      expect(notModel.status).toBe(400);
      expect(notModel.body.error.message).toContain("is not a model change");
      const reader2 = await s.token("reader2", "check");
      expect(
        (await s.call("POST", "/v1/shadow/start", { token: reader2, body: { change: changeId } })).status,
      ).toBe(403);
      const limited = await s.token("acme-lead", "admin", ["acme"]);
      expect(
        (await s.call("POST", "/v1/shadow/start", { token: limited, body: { change: changeId } })).status,
      ).toBe(403);
      expect((await s.call("GET", "/v1/shadow?session=42", { token: lead })).status).toBe(404);
      const audit = (await s.call("GET", "/v1/audit?action=shadow.start", { token: admin })).body.records;
      expect(audit.length).toBe(1);
    });
  },
);
