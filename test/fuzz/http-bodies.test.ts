import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";
import { FUZZ_TIMEOUT, fuzzOptions } from "./fuzz-budget.js";

/**
 * Fuzzing the HTTP API's request bodies on a real server: every answer to a random or mutated
 * body is below 500, every refusal is a 4xx whose error names a field or place, and a refused
 * request writes nothing (the store's revision does not move).
 */
const SCHEMA = `definition user {}
definition group {
	relation member: user | group#member
}
definition doc {
	relation viewer: user | group#member
	relation editor: user
	permission edit = editor
	permission view = viewer + edit
}
`;

interface Route {
  readonly method: "POST" | "PUT";
  readonly path: string;
  /** A body the route accepts, the start of every mutation. */
  readonly valid: Record<string, unknown>;
}

const ROUTES: readonly Route[] = [
  {
    method: "POST",
    path: "/v1/tenants/acme/check",
    valid: { resource: "doc:d1", permission: "view", subject: "user:u1", atLeastRevision: 1, explain: false },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/checks",
    valid: { checks: [{ resource: "doc:d1", permission: "view", subject: "user:u1" }], atLeastRevision: 1 },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/explain",
    valid: { resource: "doc:d1", permission: "view", subject: "user:u1" },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/lookup-resources",
    valid: { resourceType: "doc", permission: "view", subject: "user:u1" },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/lookup-subjects",
    valid: { resource: "doc:d1", permission: "view", subjectType: "user" },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/relationships",
    valid: { updates: [{ operation: "touch", relationship: "doc:d1#viewer@user:u1" }] },
  },
  { method: "POST", path: "/v1/tenants/acme/import", valid: { relationships: "doc:d1#viewer@user:u1\n" } },
  { method: "PUT", path: "/v1/schema", valid: { schema: SCHEMA } },
  {
    method: "POST",
    path: "/v1/validate",
    valid: { file: `schema: |\n  definition user {}\nassertions:\n  assertTrue: []\n` },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/changes",
    valid: { file: "intent: grant\nreason: r\nwrite:\n  - doc:d9#viewer@user:u9\n" },
  },
  { method: "POST", path: "/v1/changes/1/approve", valid: { comment: "ok" } },
  { method: "POST", path: "/v1/changes/1/revert", valid: { reason: "undo" } },
  {
    method: "POST",
    path: "/v1/tenants/acme/restore",
    valid: { toRevision: 1, resource: "doc", reason: "back" },
  },
  {
    method: "POST",
    path: "/v1/tenants/acme/subjects/merge",
    valid: { from: "user:u1", into: "user:u2", reason: "dup" },
  },
  { method: "PUT", path: "/v1/guards", valid: { guards: "guards: []\n" } },
  { method: "PUT", path: "/v1/retention", valid: { days: 30, reason: "policy" } },
  { method: "POST", path: "/v1/tokens", valid: { name: "t1", role: "check", tenants: ["acme"] } },
  { method: "POST", path: "/v1/replay", valid: { change: 1 } },
  { method: "POST", path: "/v1/shadow/start", valid: { change: 1, reason: "try" } },
  {
    method: "POST",
    path: "/v1/rollout/start",
    valid: { changeId: 1, percent: 10, margin: 0.1, reason: "go" },
  },
  { method: "POST", path: "/v1/rollout/promote", valid: { percent: 50, all: false, reason: "more" } },
  { method: "POST", path: "/v1/rollout/rollback", valid: { reason: "stop" } },
];

/** JSON of every type, with the strings the API reads (names, tuples, YAML) among them. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    "doc:d1",
    "user:u1",
    "view",
    "5",
    "1e3",
    "-1",
    "",
    "true",
    ["view"],
    [1],
    { a: 1 },
    null,
    0,
    -1,
    1.5,
    2 ** 53,
    true,
    "\u001b[2J",
  ),
);

/** A valid body with one field replaced, removed or added, or a whole random body. */
const bodyFor = (route: Route) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...Object.keys(route.valid)), anyJson, fc.boolean())
      .map(([key, value, remove]) => {
        const body: Record<string, unknown> = { ...route.valid };
        if (remove) delete body[key];
        else body[key] = value;
        return body;
      }),
    fc.tuple(fc.string({ maxLength: 12 }), anyJson).map(([key, value]) => ({ ...route.valid, [key]: value })),
    anyJson,
  );

describe("fuzzing the HTTP API's request bodies", () => {
  let s: RunningServer;
  let admin: string;

  beforeAll(async () => {
    s = await startServer(":memory:");
    admin = await s.token("fuzz-admin", "admin");
    const put = await s.call("PUT", "/v1/schema", { token: admin, body: { schema: SCHEMA } });
    expect(put.status).toBe(200);
    const write = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: admin,
      body: { updates: [{ operation: "create", relationship: "doc:d1#viewer@user:u1" }] },
    });
    expect(write.status).toBe(200);
    const change = await s.call("POST", "/v1/tenants/acme/changes", { token: admin, body: ROUTES[9]!.valid });
    expect(change.status).toBeLessThan(300);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function expectClean(route: Route, body: unknown): Promise<void> {
    const before = await s.gatehouse.store.headRevision();
    const answer = await s.call(route.method, route.path, { token: admin, body });
    expect(
      answer.status,
      `${route.method} ${route.path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`,
    ).toBeLessThan(500);
    if (answer.status >= 400) {
      const error = answer.body?.error;
      expect(error?.kind, JSON.stringify(answer.body)).toBeTypeOf("string");
      if (answer.status === 400) {
        const place = error.place ?? {};
        expect(
          // A field, a line, or the named text a route reads as a file (PUT /v1/schema: `schema`).
          place.field !== undefined || place.line !== undefined || place.file !== undefined,
          `${route.path} ${JSON.stringify(body)}: a 400 without a field: ${JSON.stringify(answer.body)}`,
        ).toBe(true);
      }
      expect(await s.gatehouse.store.headRevision(), `${route.path} wrote on a refusal`).toBe(before);
    }
  }

  it("refuses JSON of the wrong type with a 400 naming the field, never coercing it", async () => {
    const cases: Array<[string, unknown, string]> = [
      [
        "/v1/tenants/acme/check",
        { resource: "doc:d1", permission: ["view"], subject: "user:u1" },
        "body.permission",
      ],
      ["/v1/tenants/acme/check", { resource: "doc:d1", permission: "view", subject: 123 }, "body.subject"],
      [
        "/v1/tenants/acme/check",
        { resource: "doc:d1", permission: "view", subject: "user:u1", atLeastRevision: "5" },
        "body.atLeastRevision",
      ],
      [
        "/v1/tenants/acme/check",
        { resource: "doc:d1", permission: "view", subject: "user:u1", explain: "true" },
        "body.explain",
      ],
      [
        "/v1/tenants/acme/checks",
        { checks: { resource: "doc:d1", permission: "view", subject: "user:u1" } },
        "body.checks",
      ],
      [
        "/v1/tenants/acme/relationships",
        { updates: [{ operation: "touch", relationship: ["doc:d1#viewer@user:u2"] }] },
        "body.updates[0].relationship", // array items as the service names them (`updates[i]`)
      ],
      ["/v1/replay", { change: "1" }, "body.change"],
      ["/v1/retention", { days: "30", reason: "r" }, "body.days"],
    ];
    for (const [path, body, field] of cases) {
      const method = path === "/v1/retention" ? "PUT" : "POST";
      const before = await s.gatehouse.store.headRevision();
      const answer = await s.call(method, path, { token: admin, body });
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error.place.field).toBe(field);
      expect(await s.gatehouse.store.headRevision()).toBe(before);
    }
  });

  it("names the field of a name the schema does not know (found by fuzzing)", async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        "lookup-subjects",
        { resource: "doc:d1", permission: "view", subjectType: "\u001b[2J" },
        "subject", // the engine resolves it as a check's subject first (src/engine/engine.ts)
      ],
      [
        "lookup-subjects",
        { resource: "doc:d1", permission: "view", subjectType: "group", subjectRelation: "nope" },
        "subjectRelation",
      ],
      ["check", { resource: "nope:d1", permission: "view", subject: "user:u1" }, "resource"],
      ["check", { resource: "doc:d1", permission: "nope", subject: "user:u1" }, "permission"],
      ["check", { resource: "doc:d1", permission: "view", subject: "nope:u1" }, "subject"],
    ];
    for (const [route, body, field] of cases) {
      const answer = await s.call("POST", `/v1/tenants/acme/${route}`, { token: admin, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.place, JSON.stringify(answer.body)).toEqual({ field });
    }
  });

  it("names the body when it is not JSON, is empty, or has a __proto__ key (found by fuzzing)", async () => {
    for (const text of ['{"days":30,"reason":"policy","__proto__":1}', "{", ""]) {
      const response = await fetch(`${s.url}/v1/retention`, {
        method: "PUT",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: text,
      });
      const answer = (await response.json()) as { error: { kind: string; place: unknown } };
      expect(response.status, text).toBe(400);
      expect(answer.error.kind, text).toBe("input");
      expect(answer.error.place, text).toEqual({ field: "body" });
    }
  });

  it("refuses deeply nested JSON in any field below 500", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    for (const route of ROUTES) {
      // One field a route: the parse and validation of the body is shared, not per field.
      for (const key of Object.keys(route.valid).slice(0, 1)) {
        const text = JSON.stringify({ ...route.valid, [key]: "DEEP" }).replace('"DEEP"', deep);
        const response = await fetch(`${s.url}${route.path}`, {
          method: route.method,
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          body: text,
        });
        expect(response.status, `${route.path} ${key}`).toBeLessThan(500);
        expect(response.status, `${route.path} ${key}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it("reads numbers in the URL strictly", async () => {
    expect((await s.call("GET", "/v1/changes?limit=5", { token: admin })).status).toBe(200);
    expect((await s.call("GET", "/v1/changes/1", { token: admin })).status).toBe(200);
    for (const path of [
      "/v1/changes?limit=5abc",
      "/v1/changes?limit=1e3",
      "/v1/changes?limit=%205",
      "/v1/changes?limit=1&limit=2",
      "/v1/changes/1x",
      "/v1/changes/01",
    ]) {
      const answer = await s.call("GET", path, { token: admin });
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.place.field, path).toMatch(/^(querystring\.limit|params\.id|querystring)$/);
    }
  });

  it("refuses a deep schema over HTTP with 422 and the limit, not a 500", async () => {
    const deep = SCHEMA.replace("viewer + edit", `${"(".repeat(2000)}viewer${")".repeat(2000)}`);
    const put = await s.call("PUT", "/v1/schema", { token: admin, body: { schema: deep } });
    expect(put.status).toBe(422);
    expect(put.body.error.kind).toBe("limit");
    const validate = await s.call("POST", "/v1/validate", {
      token: admin,
      body: {
        file: `schema: |\n${deep
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n")}\n`,
      },
    });
    expect(validate.status).toBe(422);
    expect(validate.body.error.message).toContain("the limit is 32 levels");
  });

  it(
    "answers every mutated body of every route below 500, names the field of a 400, and writes nothing on a refusal",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ROUTES).chain((route) => fc.tuple(fc.constant(route), bodyFor(route))),
          async ([route, body]) => expectClean(route, body),
        ),
        fuzzOptions(300),
      );
    },
    FUZZ_TIMEOUT,
  );
});
