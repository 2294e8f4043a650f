import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { parseSubject } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * Issue 13, item 1: a schema write is a door like any other. On a store that holds
 * relationships it is planned against the real data; one that takes access away changes no
 * answer until someone other than its author approves it and it is applied. Each door: the
 * library, the HTTP API, the CLI.
 */
const SCHEMA = `definition user {}

definition document {
  relation viewer: user
  relation editor: user
  relation banned: user
  permission view = viewer + editor - banned
}
`;
/** Takes access away: viewers who are not editors lose `view`. */
const STRICTER = SCHEMA.replace(
  "permission view = viewer + editor - banned",
  "permission view = editor - banned",
);
/** Takes nothing away: a new definition, a new permission, a comment, other formatting. */
const ADDITIVE = `// documents and who may see them
definition user {}

definition team {
  relation member: user
}

definition document {
  relation viewer: user
  relation editor: user
  relation banned: user
  permission view = viewer + editor - banned
  permission edit = editor
}
`;
const DATA = [
  "document:a#viewer@user:ann",
  "document:a#editor@user:bob",
  "document:b#viewer@user:cat",
  "document:b#banned@user:dan",
  "document:b#editor@user:dan",
];

const ask = (resource: string, permission: string, subject: string) => {
  const [type, id] = resource.split(":") as [string, string];
  return { resource: { type, id }, permission, subject: parseSubject(subject) };
};

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

describe("the schema door, in the library (Gatehouse.writeSchema)", () => {
  let g: Gatehouse;
  beforeEach(async () => {
    g = await Gatehouse.open(":memory:", { rolloutPollMs: 0 });
  });
  afterEach(() => g.close());

  const populate = async () => {
    await g.writeSchema(SCHEMA, { actor: "ops" });
    await g.importRelationships("acme", DATA.join("\n"));
    await g.importRelationships("globex", "document:a#viewer@user:zoe");
  };
  const schemaWrites = async () =>
    (await g.store.listAudit({ action: "schema.write" })).map((r) => r.details);

  it("the first schema of an empty store goes live at once, audited with its actor", async () => {
    const version = await g.writeSchema(SCHEMA, { actor: "ops" });
    expect(version).toMatchObject({ version: 1, change: null, gained: 0, lost: 0 });
    expect(await g.store.listChanges({})).toEqual([]);
    const [record] = await g.store.listAudit({ action: "schema.write" });
    expect(record).toMatchObject({
      actor: "ops",
      tenant: null,
      target: "schema",
      details: { applied: true, version: 1, change: null },
    });
  });

  it("a write that takes no access away goes live through an applied change; what a new permission grants is shown, not held", async () => {
    await populate();
    // A max-gain guard of 0 would stop any change that widens an existing permission; what a
    // brand-new permission grants is not counted.
    await g.changes.writeGuards("guards:\n  - name: no-widening\n    kind: max-gain\n    subjects: 0\n", {
      actor: "security",
    });
    const version = await g.writeSchema(ADDITIVE, { actor: "ops" });
    expect(version.version).toBe(2);
    expect(version.change).not.toBeNull();
    expect(version).toMatchObject({ lost: 0, gained: 2 }); // bob and dan may `edit`
    const change = await g.changes.get(version.change!);
    expect(change).toMatchObject({ state: "applied", intent: "model", author: "ops" });
    expect((await g.check("acme", ask("document:a", "edit", "user:bob"))).allowed).toBe(true);
    expect((await g.readSchema())?.version).toBe(2);
    expect((await schemaWrites()).at(-1)).toMatchObject({
      applied: true,
      version: 2,
      change: version.change,
      gained: 2,
      lost: 0,
    });

    // Formatting and comments alone: nothing moves at all.
    const again = await g.writeSchema(`${ADDITIVE}\n// trailing note\n`, { actor: "ops" });
    expect(again).toMatchObject({ version: 3, gained: 0, lost: 0 });
  });

  it("a write that takes access away changes no answer until another person approves and it is applied", async () => {
    await populate();
    const before = await g.check("acme", ask("document:a", "view", "user:ann"));
    expect(before.allowed).toBe(true);

    const held = await failure(g.writeSchema(STRICTER, { actor: "dev", reason: "only editors view" }));
    expect(held.kind).toBe("refused");
    expect(held.message).toContain("was not written");
    const facts = held.facts as { change: number; lost: number; gained: number; summary: unknown[] };
    expect(facts.lost).toBe(3); // ann and cat in acme, zoe in globex
    expect(facts.gained).toBe(0);
    expect(facts.summary).toEqual([
      expect.objectContaining({ tenant: "acme", resourceType: "document", permission: "view", lost: 2 }),
      expect.objectContaining({ tenant: "globex", resourceType: "document", permission: "view", lost: 1 }),
    ]);
    const id = facts.change;
    expect(held.message).toContain(`change ${id}`);

    // Nothing went live: the same answers, the same schema version.
    expect((await g.check("acme", ask("document:a", "view", "user:ann"))).allowed).toBe(true);
    expect((await g.check("globex", ask("document:a", "view", "user:zoe"))).allowed).toBe(true);
    expect((await g.readSchema())?.version).toBe(1);
    expect(await g.changes.get(id)).toMatchObject({ state: "planned", intent: "model", author: "dev" });
    expect((await schemaWrites()).at(-1)).toMatchObject({ applied: false, change: id, lost: 3, gained: 0 });
    const [record] = (await g.store.listAudit({ action: "schema.write" })).slice(-1);
    expect(record).toMatchObject({ actor: "dev", reason: "only editors view" });

    // Its author can neither approve nor apply it alone.
    expect((await failure(g.changes.approve(id, { actor: "dev" }))).kind).toBe("refused");
    expect((await failure(g.changes.apply(id, { actor: "dev" }))).kind).toBe("refused");
    expect((await g.check("acme", ask("document:a", "view", "user:ann"))).allowed).toBe(true);

    await g.changes.approve(id, { actor: "lead" });
    expect((await g.check("acme", ask("document:a", "view", "user:ann"))).allowed).toBe(true);
    await g.changes.apply(id, { actor: "dev" });
    expect((await g.check("acme", ask("document:a", "view", "user:ann"))).allowed).toBe(false);
    expect((await g.check("globex", ask("document:a", "view", "user:zoe"))).allowed).toBe(false);
    expect((await g.check("acme", ask("document:a", "view", "user:bob"))).allowed).toBe(true);
    expect((await g.readSchema())?.version).toBe(2);
  });

  it("a write that widens an existing permission is held back until another person approves (the issue's `- banned`, seed 002)", async () => {
    await populate();
    // No guard written: the defaults. Dropping `- banned` gives dan `view` on b.
    const wider = SCHEMA.replace(
      "permission view = viewer + editor - banned",
      "permission view = viewer + editor",
    );
    const held = await failure(g.writeSchema(wider, { actor: "dev" }));
    expect(held.kind).toBe("refused");
    expect(held.message).toContain("widens `document#view`");
    const facts = held.facts as { change: number; lost: number; gained: number };
    expect(facts).toMatchObject({ lost: 0, gained: 1 });
    expect((await g.check("acme", ask("document:b", "view", "user:dan"))).allowed).toBe(false);
    expect((await failure(g.changes.apply(facts.change, { actor: "dev" }))).kind).toBe("refused");
    await g.changes.approve(facts.change, { actor: "lead" });
    await g.changes.apply(facts.change, { actor: "dev" });
    expect((await g.check("acme", ask("document:b", "view", "user:dan"))).allowed).toBe(true);
    // Its revert takes the access away again and puts back what was there: no second person.
    const { applied } = await g.changes.revert(facts.change, { actor: "dev" });
    expect(applied).toBe(false); // a loss (dan's view) needs a second person, as any loss does
  });

  it("a write whose guard fails is held back even when nobody loses access", async () => {
    await populate();
    await g.changes.writeGuards(
      "guards:\n  - name: views-within-viewers\n    kind: subset\n    resource_type: document\n    permission: view\n    of: viewer\n",
      { actor: "security" },
    );
    // Dropping `- banned` takes nothing away (dan gains `view` on b), but the invariant fails:
    // dan, and bob already (an editor, not a viewer), would view without being viewers.
    const wider = SCHEMA.replace(
      "permission view = viewer + editor - banned",
      "permission view = viewer + editor",
    );
    const held = await failure(g.writeSchema(wider, { actor: "dev" }));
    expect(held.kind).toBe("refused");
    expect(held.facts).toMatchObject({ lost: 0, gained: 1, failedGuards: ["views-within-viewers"] });
    expect((await g.check("acme", ask("document:b", "view", "user:dan"))).allowed).toBe(false);
  });

  it("a schema that would orphan live relationships is still bad input: nothing written, nothing proposed", async () => {
    await populate();
    const orphaning = SCHEMA.replace("  relation banned: user\n", "").replace(" - banned", "");
    const error = await failure(g.writeSchema(orphaning, { actor: "dev" }));
    expect(error.kind).toBe("input");
    expect(error.message).toContain("document#banned@user");
    expect(await g.store.listChanges({})).toEqual([]);
    expect(await schemaWrites()).toHaveLength(1);
    expect((await g.readSchema())?.version).toBe(1);
  });
});

describe("the schema door over HTTP (PUT /v1/schema)", () => {
  let s: RunningServer;
  beforeEach(async () => {
    s = await startServer();
  });
  afterEach(() => s.close());

  it("a write that takes access away answers 409 naming the change; no answer changes until another person approves and it is applied", async () => {
    const ops = await s.token("ops", "admin");
    const lead = await s.token("lead", "approve");
    const put = (schema: string) => s.call("PUT", "/v1/schema", { token: ops, body: { schema } });
    const check = async () =>
      (
        await s.call("POST", "/v1/tenants/acme/check", {
          token: ops,
          body: { resource: "document:a", permission: "view", subject: "user:ann" },
        })
      ).body.allowed;
    expect((await put(SCHEMA)).body).toMatchObject({ version: 1, change: null });
    expect(
      (
        await s.call("POST", "/v1/tenants/acme/import", {
          token: ops,
          body: { relationships: DATA.join("\n") },
        })
      ).status,
    ).toBe(200);
    expect(await check()).toBe(true);

    const held = await put(STRICTER);
    expect(held.status).toBe(409);
    expect(held.body.error.kind).toBe("refused");
    const facts = held.body.error.facts;
    expect(facts).toMatchObject({ lost: 2, gained: 0, state: "planned" });
    expect(facts.summary).toEqual([
      expect.objectContaining({ tenant: "acme", permission: "view", lost: 2, gained: 0 }),
    ]);
    const id = facts.change as number;
    expect(held.body.error.message).toContain(`change ${id}`);
    expect(await check()).toBe(true);
    expect((await s.call("GET", "/v1/schema", { token: ops })).body.version).toBe(1);

    const audit = (await s.call("GET", "/v1/audit?action=schema.write", { token: ops })).body.records;
    expect(audit.map((r: { actor: string; details: unknown }) => [r.actor, r.details])).toEqual([
      ["ops", expect.objectContaining({ applied: true, version: 1 })],
      ["ops", expect.objectContaining({ applied: false, change: id, lost: 2 })],
    ]);

    // The author's own token cannot push it through; another person's approval can.
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: ops })).status).toBe(409);
    expect((await approveNewestPlan(s, id, ops)).status).toBe(409);
    expect(await check()).toBe(true);
    expect((await approveNewestPlan(s, id, lead)).status).toBe(200);
    expect(await check()).toBe(true);
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: ops })).status).toBe(200);
    expect(await check()).toBe(false);
    expect((await s.call("GET", "/v1/schema", { token: ops })).body.version).toBe(2);
  });

  it("a write that takes nothing away answers 200 with the change it went through", async () => {
    const ops = await s.token("ops", "admin");
    await s.call("PUT", "/v1/schema", { token: ops, body: { schema: SCHEMA } });
    await s.call("POST", "/v1/tenants/acme/import", { token: ops, body: { relationships: DATA.join("\n") } });
    const written = await s.call("PUT", "/v1/schema", {
      token: ops,
      body: { schema: ADDITIVE, reason: "edit permission" },
    });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ version: 2, lost: 0, gained: 2 });
    expect(written.body.change).toBeGreaterThan(0);
    const change = await s.call("GET", `/v1/changes/${written.body.change}`, { token: ops });
    expect(change.body).toMatchObject({ state: "applied", reason: "edit permission", author: "ops" });
  });
});

describe("the schema door in the CLI (gatehouse schema write)", () => {
  it("exits 6 with the change id on the first line; no answer changes until another person approves and it is applied", () => {
    const ws = workspace();
    const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);
    const ok = (r: CliResult) => {
      if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
      return r;
    };
    const check = () =>
      ok(run("--tenant", "acme", "permission", "check", "document:a", "view", "user:ann")).stdout.trim();
    expect(ok(run("--as", "ops", "schema", "write", ws.file("s1.zed", SCHEMA))).stdout).toBe(
      "schema version 1 written at revision 1\n",
    );
    ok(run("--tenant", "acme", "import", ws.file("data.txt", DATA.join("\n"))));
    expect(check()).toBe("true");

    const held = run(
      "--as",
      "dev",
      "schema",
      "write",
      ws.file("s2.zed", STRICTER),
      "--reason",
      "editors only",
    );
    expect(held.code).toBe(6);
    const id = Number(held.stdout.split("\n")[0]);
    expect(id).toBeGreaterThan(0);
    expect(held.stdout).toContain(`proposed as change ${id} (2 accesses lost, 0 gained)`);
    expect(held.stdout).toContain("acme  document#view  -2 +0");
    expect(held.stderr).toContain("the schema was not written");
    expect(check()).toBe("true");

    const json = run("--json", "--as", "dev", "schema", "write", ws.file("s3.zed", STRICTER));
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout)).toMatchObject({ applied: false, lost: 2, state: "planned" });

    const audit = JSON.parse(ok(run("--json", "audit", "list", "--action", "schema.write")).stdout);
    expect(
      audit.map((r: { actor: string; details: { applied: boolean } }) => [r.actor, r.details.applied]),
    ).toEqual([
      ["ops", true],
      ["dev", false],
      ["dev", false],
    ]);
    expect(audit[1]).toMatchObject({ reason: "editors only", details: { change: id } });

    expect(run("--as", "dev", "change", "apply", String(id)).code).toBe(6);
    expect(run("--as", "dev", "change", "approve", String(id)).code).toBe(6);
    expect(check()).toBe("true");
    ok(run("--as", "lead", "change", "approve", String(id)));
    expect(check()).toBe("true");
    ok(run("--as", "dev", "change", "apply", String(id)));
    expect(check()).toBe("false");
    expect(ok(run("--json", "schema", "read")).stdout).toContain('"version": 2');

    // Taking nothing away goes live in the same command, through a change.
    const additive = ok(
      run(
        "--as",
        "ops",
        "--json",
        "schema",
        "write",
        ws.file("s4.zed", ADDITIVE.replace("viewer + editor - banned", "editor - banned")),
      ),
    );
    expect(JSON.parse(additive.stdout)).toMatchObject({ applied: true, version: 3, lost: 0 });
  }, 600_000); // about 20 CLI commands: slow on a loaded machine
});

/** Approves the plan a reviewer would see now: the change's newest (`plan` names it, issue 17.2). */
async function approveNewestPlan(server: RunningServer, id: number, token: string) {
  const shown = await server.call("GET", `/v1/changes/${id}`, { token });
  return server.call("POST", `/v1/changes/${id}/approve`, { token, body: { plan: shown.body.plan?.planId } });
}
