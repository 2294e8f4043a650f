import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * The API a reviewer's surface reads a change through: the change with its plan's summary and
 * the actions the caller may take; the plan's rows by page, filtered, and as CSV; a model
 * change's schema diff; a change file checked without proposing it; the tenants.
 */
describe("reviewing a change over HTTP", () => {
  let s: RunningServer;
  let admin: string;
  let lead: string;
  let reader: string;
  let globexOnly: string;
  let grant: number;
  let model: number;
  const SCHEMA =
    "definition user {}\ndefinition document {\n  relation viewer: user\n  relation banned: user\n  permission view = viewer - banned\n}";

  beforeAll(async () => {
    s = await startServer(":memory:");
    admin = await s.token("root", "admin");
    lead = await s.token("lead", "approve");
    reader = await s.token("reader", "check");
    globexOnly = await s.token("globex-admin", "admin", ["globex"]);
    await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } });
    const docs = Array.from({ length: 30 }, (_, i) => `document:d${i}#viewer@user:ann`);
    await s.gatehouse.importRelationships("acme", [...docs, "document:d0#banned@user:bob"].join("\n"));
    await s.gatehouse.importRelationships("globex", "document:g#viewer@user:gil");
    // ann loses 30 documents; bob gains one.
    const file = `intent: revoke\nreason: ann leaves\ndelete:\n${docs.map((d) => `  - ${d}\n`).join("")}write:\n  - document:x#viewer@user:bob\n`;
    grant = (await s.call("POST", "/v1/tenants/acme/changes", { token: admin, body: { file } })).body.id;
    expect((await s.call("POST", `/v1/changes/${grant}/plan`, { token: admin })).status).toBe(200);
    const schema = SCHEMA.replace("viewer - banned", "viewer");
    model = (
      await s.call("POST", "/v1/tenants/acme/changes", {
        token: admin,
        body: { file: `intent: model\nreason: no bans\nschema: |\n${schema.replace(/^/gm, "  ")}\n` },
      })
    ).body.id;
  });

  afterAll(async () => {
    await s?.close();
  });

  it("shows a change with its plan's counts, not its rows, and the caller's actions", async () => {
    const asAuthor = await s.call("GET", `/v1/changes/${grant}/review`, { token: admin });
    expect(asAuthor.status).toBe(200);
    expect(asAuthor.body.change).toMatchObject({ id: grant, state: "planned", model: false });
    expect(asAuthor.body.plan.counts).toEqual({ gained: 1, lost: 30, usersetsGained: 0, usersetsLost: 0 });
    expect(asAuthor.body.plan.gained).toBeUndefined();
    expect(asAuthor.body.plan.blocked).toBe(true);
    // The author may not approve; only the author may withdraw; nothing applies while blocked.
    expect(asAuthor.body.actions).toEqual(["plan", "withdraw", "reject"]);
    expect((await s.call("GET", `/v1/changes/${grant}/review`, { token: lead })).body.actions).toEqual([
      "plan",
      "approve",
      "reject",
    ]);
    expect((await s.call("GET", `/v1/changes/${grant}/review`, { token: reader })).body.actions).toEqual([]);
    expect(asAuthor.body.pendingRevert).toBeNull();
  });

  it("pages through the rows, lost first, and filters them", async () => {
    const first = await s.call("GET", `/v1/changes/${grant}/plan/rows?limit=10`, { token: reader });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 31, matched: 31, offset: 0 });
    expect(first.body.rows).toHaveLength(10);
    expect(first.body.rows[0]).toMatchObject({ change: "lost", subject: "user:ann", permission: "view" });
    const last = await s.call("GET", `/v1/changes/${grant}/plan/rows?limit=10&offset=30`, { token: reader });
    expect(last.body.rows).toEqual([
      { change: "gained", tenant: "acme", resource: "document:x", permission: "view", subject: "user:bob" },
    ]);
    const seen = new Set<string>();
    for (let offset = 0; offset < 31; offset += 7) {
      const page = await s.call("GET", `/v1/changes/${grant}/plan/rows?limit=7&offset=${offset}`, {
        token: reader,
      });
      for (const r of page.body.rows) seen.add(`${r.change} ${r.resource}`);
    }
    expect(seen.size).toBe(31);
    const narrowed = await s.call("GET", `/v1/changes/${grant}/plan/rows?resource=D1&change=lost`, {
      token: reader,
    });
    // d1 and d10 to d19, case-insensitive.
    expect(narrowed.body.matched).toBe(11);
    const gained = await s.call("GET", `/v1/changes/${grant}/plan/rows?change=gained&subject=bob`, {
      token: reader,
    });
    expect(gained.body.matched).toBe(1);
    const usersets = await s.call("GET", `/v1/changes/${grant}/plan/rows?usersets=true`, { token: reader });
    expect(usersets.body).toMatchObject({ total: 0, matched: 0, rows: [] });
    const none = await s.call("GET", `/v1/changes/${grant}/plan/rows?tenant=globex`, { token: reader });
    expect(none.body).toMatchObject({ matched: 0, rows: [] });
  });

  it("refuses a page of a plan that has been replaced", async () => {
    const { planId } = (await s.call("GET", `/v1/changes/${grant}/review`, { token: reader })).body.plan;
    const same = await s.call("GET", `/v1/changes/${grant}/plan/rows?plan=${planId}`, { token: reader });
    expect(same.status).toBe(200);
    const old = await s.call("GET", `/v1/changes/${grant}/plan/rows?plan=not-${planId}`, { token: reader });
    expect(old.status).toBe(409);
    expect(old.body.error.message).toContain("was planned again");
  });

  it("refuses a page size past the maximum, naming the field", async () => {
    const answer = await s.call("GET", `/v1/changes/${grant}/plan/rows?limit=5000`, { token: reader });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("limit");
  });

  it("exports the rows that match as CSV", async () => {
    const response = await fetch(`${s.url}/v1/changes/${grant}/plan/rows.csv?change=gained`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain(`change-${grant}-plan.csv`);
    expect(await response.text()).toBe(
      "change,tenant,resource,permission,subject,except\r\ngained,acme,document:x,view,user:bob,\r\n",
    );
    const all = await (
      await fetch(`${s.url}/v1/changes/${grant}/plan/rows.csv`, {
        headers: { authorization: `Bearer ${reader}` },
      })
    ).text();
    expect(all.trimEnd().split("\r\n")).toHaveLength(32);
  });

  it("keeps another tenant's change from a token limited to tenants", async () => {
    for (const path of ["review", "plan/rows", "plan/rows.csv"]) {
      const answer = await s.call("GET", `/v1/changes/${grant}/${path}`, { token: globexOnly });
      // As a missing change: a limited token cannot tell another tenant's change exists.
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.message, path).toBe(`change ${grant} does not exist`);
    }
  });

  it("shows a model change's schema diff, to a store-wide token only", async () => {
    const diff = await s.call("GET", `/v1/changes/${model}/schema-diff`, { token: reader });
    expect(diff.status).toBe(200);
    expect(diff.body.before.version).toBe(1);
    expect(diff.body.lines.filter((l: { op: string }) => l.op !== "same")).toEqual([
      { op: "removed", text: "  permission view = viewer - banned", before: 5, after: null },
      { op: "added", text: "  permission view = viewer", before: null, after: 5 },
    ]);
    const acmeOnly = await s.token("acme-reader", "check", ["acme"]);
    expect((await s.call("GET", `/v1/changes/${model}/schema-diff`, { token: acmeOnly })).status).toBe(403);
    const notModel = await s.call("GET", `/v1/changes/${grant}/schema-diff`, { token: reader });
    expect(notModel.status).toBe(404);
    expect(notModel.body.error.message).toContain("not a model change");
  });

  it("checks a change file as propose would, writing nothing", async () => {
    const before = (await s.call("GET", "/v1/changes?tenant=acme", { token: admin })).body.changes.length;
    const bad = await s.call("POST", "/v1/tenants/acme/changes/check", {
      token: admin,
      body: {
        file: "intent: grant\nreason: x\nwrite:\n  - document:a#editor@user:cy\n  - document:b#viewer@user:\ndelete:\n  - document:zz#viewer@user:nobody\n",
      },
    });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.problems.map((p: { line: number }) => p.line)).toEqual([5]);
    const parsedOk = await s.call("POST", "/v1/tenants/acme/changes/check", {
      token: admin,
      body: {
        file: "intent: grant\nreason: x\nwrite:\n  - document:a#editor@user:cy\ndelete:\n  - document:zz#viewer@user:nobody\n",
      },
    });
    // Against the store: an unknown relation, and a delete of what does not exist, each placed.
    expect(parsedOk.body.problems).toEqual([
      expect.objectContaining({ line: 4, message: expect.stringContaining("editor") }),
      expect.objectContaining({ line: 6, message: expect.stringContaining("does not exist") }),
    ]);
    const good = await s.call("POST", "/v1/tenants/acme/changes/check", {
      token: admin,
      body: { file: "intent: grant\nreason: x\nwrite:\n  - document:a#viewer@user:cy\n" },
    });
    expect(good.body).toMatchObject({ ok: true, intent: "grant", writes: 1, deletes: 0, problems: [] });
    const elsewhere = await s.call("POST", "/v1/tenants/acme/changes/check", {
      token: admin,
      body: { file: "tenant: globex\nintent: grant\nreason: x\nwrite:\n  - document:a#viewer@user:cy\n" },
    });
    expect(elsewhere.body.problems[0].message).toContain("names tenant `globex`");
    expect((await s.call("GET", "/v1/changes?tenant=acme", { token: admin })).body.changes.length).toBe(
      before,
    );
    // It writes nothing: a `check` token may use it, in its own tenants only.
    expect(
      (await s.call("POST", "/v1/tenants/acme/changes/check", { token: reader, body: { file: "" } })).status,
    ).toBe(200);
    expect(
      (await s.call("POST", "/v1/tenants/acme/changes/check", { token: globexOnly, body: { file: "" } }))
        .status,
    ).toBe(403);
  });

  it("lists the tenants a token may know of", async () => {
    expect((await s.call("GET", "/v1/tenants", { token: reader })).body).toEqual({
      tenants: ["acme", "globex"],
    });
    expect((await s.call("GET", "/v1/tenants", { token: globexOnly })).body).toEqual({ tenants: ["globex"] });
  });
});
