import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

const postgres = await postgresUrlForTest("drill002shadow");

/**
 * Drill 002 (seeds/002) in shadow: the change that lets every organisation member view every
 * space of the organisation runs beside the active schema. Under live traffic it shows up as
 * "would allow" for exactly the accesses the traffic exercised by organisation members who are
 * not members of the space, and for nothing else; every answer stays the active one.
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

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Organisations with members, and spaces with some of them as members (as drill 002 generates). */
function world(tenant: string, seed: number): World {
  const next = random(seed);
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

const stores: Array<[string, () => { url: string; drop?: () => Promise<void> }]> = [
  ["SQLite", () => ({ url: ":memory:" })],
];
if (!postgres.skip) stores.push(["PostgreSQL", () => ({ url: postgres.url!, drop: () => postgres.drop!() })]);

describe.each(stores)("drill 002 in shadow through the HTTP API on %s", (_name, target) => {
  const worlds = { acme: world("acme", 7), globex: world("globex", 11) };
  let s: RunningServer;
  let drop: (() => Promise<void>) | undefined;
  let admin: string;

  beforeAll(async () => {
    const store = target();
    drop = store.drop;
    s = await startServer(store.url);
    admin = await s.token("root", "admin");
    await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } });
    for (const [tenant, w] of Object.entries(worlds)) {
      await s.call("POST", `/v1/tenants/${tenant}/import`, {
        token: admin,
        body: { relationships: tuples(w).join("\n") },
      });
    }
  });
  afterAll(async () => {
    await s?.close();
    await drop?.();
  });

  it("shows the permissive change as 'would allow' for exactly the non-member accesses the traffic exercised", async () => {
    const indented = HARMFUL.split("\n")
      .map((l) => `  ${l}`)
      .join("\n");
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: admin,
      body: {
        file: `intent: model\nreason: let organisation members browse spaces\nschema: |\n${indented}\n`,
      },
    });
    const started = await s.call("POST", "/v1/shadow/start", {
      token: admin,
      body: { change: proposed.body.id },
    });
    expect(started.status).toBe(200);

    // Traffic: people open spaces, some of their own, some of their organisation's, some of
    // another organisation's. Each tenant's traffic goes as one batch and as single checks.
    const next = random(23);
    const expected = new Map<string, number>();
    let total = 0;
    for (const [tenant, w] of Object.entries(worlds)) {
      const people = [...w.orgMembers.values()].flat();
      const checks: Array<{ resource: string; permission: string; subject: string }> = [];
      for (let i = 0; i < 150; i++) {
        const space = w.spaces[Math.floor(next() * w.spaces.length)]!;
        const person = people[Math.floor(next() * people.length)]!;
        checks.push({ resource: `space:${space.id}`, permission: "view", subject: `user:${person}` });
        // Computed from the generated data alone: an organisation member outside the space.
        if (w.orgMembers.get(space.org)!.includes(person) && !space.members.includes(person)) {
          const key = `${tenant} space:${space.id} user:${person}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
      }
      const batch = await s.call("POST", `/v1/tenants/${tenant}/checks`, {
        token: admin,
        body: { checks: checks.slice(0, 100) },
      });
      // The answers are the active schema's: members only.
      expect(batch.body.results).toEqual(
        checks
          .slice(0, 100)
          .map((c) =>
            w.spaces.find((sp) => `space:${sp.id}` === c.resource)!.members.includes(c.subject.slice(5)),
          ),
      );
      for (const c of checks.slice(100))
        await s.call("POST", `/v1/tenants/${tenant}/check`, { token: admin, body: c });
      total += checks.length;
    }
    expect(expected.size).toBeGreaterThan(10);

    const report = (await s.call("GET", "/v1/shadow", { token: admin })).body;
    expect(report.checks).toBe(total);
    expect(report.wouldBlock).toBe(0);
    const seen = new Map<string, number>();
    for (const d of report.divergences) {
      expect(d).toMatchObject({ permission: "view", active: false, candidate: true });
      seen.set(`${d.tenant} ${d.resource} ${d.subject}`, d.count);
    }
    expect(seen).toEqual(expected);
    expect(report.wouldAllow).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(
      report.byPermission.map((p: { tenant: string; permission: string }) => `${p.tenant} ${p.permission}`),
    ).toEqual(["acme space#view", "globex space#view"]);
    await s.call("POST", "/v1/shadow/stop", { token: admin, body: {} });
  });
});
