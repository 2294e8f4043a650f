import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH } from "../../src/server/schemas.js";
import { BATCH_SCHEMA } from "../support/batch-schema.js";
import { type RunningServer, startServer } from "../support/server.js";

// `POST /checks/text` is `/checks` with a body of check lines: the same answers, limits, tenant
// checks, metrics and decision log; a bad line is named by its line and nothing is answered.
/** A small generator with a seed, so that a failure can be run again as it was. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface TextAnswer {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

async function postLines(
  s: RunningServer,
  token: string,
  text: string,
  options: { tenant?: string; query?: string; accept?: string } = {},
): Promise<TextAnswer> {
  const response = await fetch(
    `${s.url}/v1/tenants/${options.tenant ?? "acme"}/checks/text${options.query ?? ""}`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "text/plain",
        ...(options.accept ? { accept: options.accept } : {}),
      },
      body: text,
    },
  );
  const body = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text: body, body: parsed, headers: response.headers };
}

async function checksCounted(s: RunningServer): Promise<number> {
  const metrics = (await s.call("GET", "/metrics")).body as string;
  let sum = 0;
  for (const match of metrics.matchAll(/^gatehouse_checks_total\{[^}]*\} (\d+)$/gm)) sum += Number(match[1]);
  return sum;
}

async function decisionsLogged(s: RunningServer, tenant = "acme"): Promise<number> {
  return (await s.gatehouse.listDecisions({ tenant, limit: 100_000 })).length;
}

describe("HTTP batch checks as text lines", () => {
  let s: RunningServer;
  let writer: string;
  let checker: string;
  const users = ["ann", "bob", "cy", "dee", "eve"];
  const docs = Array.from({ length: 12 }, (_, i) => `d${i}`);
  const groups = ["eng", "ops", "all"];

  beforeAll(async () => {
    s = await startServer(":memory:");
    const admin = await s.token("root", "admin");
    writer = await s.token("app", "write");
    checker = await s.token("reader", "check");
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: BATCH_SCHEMA } })).status).toBe(
      200,
    );
    const next = random(18);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const lines = new Set<string>(["document:open#viewer@user:*", "document:maybe#viewer@user:ann[on_day]"]);
    for (let i = 0; i < 40; i++) {
      const kind = next();
      lines.add(
        kind < 0.5
          ? `document:${pick(docs)}#viewer@user:${pick(users)}`
          : kind < 0.75
            ? `document:${pick(docs)}#viewer@group:${pick(groups)}#member`
            : kind < 0.9
              ? `group:${pick(groups)}#member@user:${pick(users)}`
              : `group:${pick(groups)}#member@group:${pick(groups)}#member`,
      );
    }
    const updates = [...lines].map((relationship) => ({ operation: "touch", relationship }));
    const written = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: writer,
      body: { updates },
    });
    expect(written.status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  it("answers a random batch item by item as /checks does, conditional answers included", async () => {
    const next = random(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const checks: { resource: string; permission: string; subject: string }[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = next();
      const subject =
        kind < 0.7
          ? `user:${pick(users)}`
          : kind < 0.85
            ? `group:${pick(groups)}#member`
            : kind < 0.95
              ? "user:*"
              : "user:zed";
      checks.push({
        resource: `document:${pick([...docs, "open", "maybe"])}`,
        permission: pick(["view", "viewer"]),
        subject,
      });
    }
    checks.push({ resource: "document:maybe", permission: "view", subject: "user:ann" });
    const json = await s.call("POST", "/v1/tenants/acme/checks", { token: checker, body: { checks } });
    expect(json.status).toBe(200);
    const text = checks.map((c) => `${c.resource}#${c.permission}@${c.subject}`).join("\n");

    const lines = await postLines(s, checker, text);
    expect(lines.status).toBe(200);
    expect(lines.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(lines.headers.get("x-gatehouse-revision")).toBe(String(json.body.revision));
    expect(lines.headers.get("x-gatehouse-schema")).toBe(`version:${json.body.schema.version}`);
    const expected = (json.body.results as boolean[]).map((allowed, i) => {
      const missing = json.body.conditional?.[i];
      return missing ? `conditional (missing ${missing.join(", ")})` : String(allowed);
    });
    expect(lines.text).toBe(`${expected.join("\n")}\n`);
    expect(expected).toContain("true");
    expect(expected).toContain("false");
    expect(expected.at(-1)).toBe("conditional (missing day)");

    const asJson = await postLines(s, checker, text, { accept: "application/json" });
    expect(asJson.status).toBe(200);
    expect(asJson.body).toEqual(json.body);
  });

  it("skips blank lines and comments, and answers an empty body with nothing", async () => {
    const lines = await postLines(
      s,
      checker,
      "// who may view\n\ndocument:open#view@user:ann\r\n  \ndocument:d0#view@user:nobody\n",
    );
    expect(lines.status).toBe(200);
    expect(lines.text).toBe("true\nfalse\n");
    const empty = await postLines(s, checker, "");
    expect(empty.status).toBe(200);
    expect(empty.text).toBe("");
  });

  it("names a bad line (syntax or schema), answers 400, and neither answers, counts nor logs a check", async () => {
    const checks = await checksCounted(s);
    const logged = await decisionsLogged(s);
    const malformed = await postLines(
      s,
      checker,
      "document:open#view@user:ann\n\ndocument:read me#view@user:ann\ndocument:open#view@user:bob",
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.kind).toBe("input");
    expect(malformed.body.error.place).toMatchObject({ file: "body", line: 3 });
    expect(malformed.body.error.message).toContain("invalid object id `read me`");
    const unknown = await postLines(s, checker, "document:open#view@user:ann\ndocument:open#edit@user:ann");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.place).toEqual({ file: "body", line: 2 });
    expect(unknown.body.error.message).toContain("`edit`");
    const several = await postLines(s, checker, "Document:a#view@user:ann\ndocument:open#view@user:ann\nx");
    expect(several.status).toBe(400);
    expect(several.body.error.details.map((d: { place: { line: number } }) => d.place.line)).toEqual([1, 3]);
    expect(await checksCounted(s)).toBe(checks);
    expect(await decisionsLogged(s)).toBe(logged);
  });

  it("counts and logs a good batch as /checks does", async () => {
    const checks = await checksCounted(s);
    const logged = await decisionsLogged(s);
    const lines = await postLines(s, checker, "document:open#view@user:ann\ndocument:d0#view@user:nobody");
    expect(lines.status).toBe(200);
    expect(await checksCounted(s)).toBe(checks + 2);
    const decisions = await s.gatehouse.listDecisions({ tenant: "acme", limit: 100_000 });
    expect(decisions.length).toBe(logged + 2);
    expect(
      decisions.slice(-2).map((d) => `${d.resource.type}:${d.resource.id} ${d.subject.id} ${d.allowed}`),
    ).toEqual(["document:open ann true", "document:d0 nobody false"]);
  });

  it("holds a batch to 10,000 checks (the line past it named) and the body limit", async () => {
    const logged = await decisionsLogged(s);
    const full = Array.from({ length: MAX_BATCH }, () => "document:open#view@user:ann");
    const most = await postLines(s, checker, `// a comment\n${full.join("\n")}\n\n`);
    expect(most.status).toBe(200);
    expect(most.text.split("\n").length).toBe(MAX_BATCH + 1);
    const over = await postLines(
      s,
      checker,
      `// a comment\n${[...full, "document:open#view@user:ann"].join("\n")}`,
    );
    expect(over.status).toBe(400);
    expect(over.body.error.place).toEqual({ file: "body", line: MAX_BATCH + 2 });
    expect(over.body.error.message).toContain("at most 10,000");
    expect(await decisionsLogged(s)).toBe(logged + MAX_BATCH);

    const small = await startServer(":memory:", { bodyLimit: 1000 });
    try {
      const token = await small.token("reader", "check");
      const big = await postLines(small, token, "document:open#view@user:ann\n".repeat(100));
      expect(big.status).toBe(413);
      expect(big.body.error.message).toContain("1,000 bytes");
    } finally {
      await small.close();
    }
  });

  it("refuses another tenant to a tenant-limited token, naming none of its data", async () => {
    const globex = await s.token("globex-reader", "check", ["globex"]);
    const refused = await postLines(s, globex, "document:open#view@user:ann", { tenant: "acme" });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain("document:open");
    expect(refused.headers.get("x-gatehouse-revision")).toBeNull();
    const own = await postLines(s, globex, "document:open#view@user:ann", { tenant: "globex" });
    expect(own.status).toBe(200);
    expect(own.text).toBe("false\n");
    const unauthenticated = await postLines(s, "gh_wrong", "document:open#view@user:ann");
    expect(unauthenticated.status).toBe(401);
  });

  it("answers at atLeastRevision or newer, and refuses a revision that does not exist or is not one", async () => {
    const written = await s.call("POST", "/v1/tenants/acme/relationships", {
      token: writer,
      body: { updates: [{ operation: "touch", relationship: "document:fresh#viewer@user:ann" }] },
    });
    expect(written.status).toBe(200);
    const revision = written.body.revision as number;
    const fresh = await postLines(s, checker, "document:fresh#view@user:ann", {
      query: `?atLeastRevision=${revision}`,
    });
    expect(fresh.status).toBe(200);
    expect(Number(fresh.headers.get("x-gatehouse-revision"))).toBeGreaterThanOrEqual(revision);
    expect(fresh.text).toBe("true\n");
    const json = await s.call("POST", "/v1/tenants/acme/checks", {
      token: checker,
      body: {
        checks: [{ resource: "document:fresh", permission: "view", subject: "user:ann" }],
        atLeastRevision: revision + 100,
      },
    });
    const future = await postLines(s, checker, "document:fresh#view@user:ann", {
      query: `?atLeastRevision=${revision + 100}`,
    });
    expect(future.status).toBe(json.status);
    expect(future.body.error).toEqual(json.body.error);
    const word = await postLines(s, checker, "document:fresh#view@user:ann", {
      query: "?atLeastRevision=soon",
    });
    expect(word.status).toBe(400);
    expect(word.body.error.message).toContain("atLeastRevision");
    const stray = await postLines(s, checker, "document:fresh#view@user:ann", { query: "?revision=1" });
    expect(stray.status).toBe(400);
  });

  it("takes text only: a JSON body, even a JSON string, is refused naming the type", async () => {
    for (const body of [
      { checks: [{ resource: "document:open", permission: "view", subject: "user:ann" }] },
      "document:open#view@user:ann",
    ]) {
      const response = await s.call("POST", "/v1/tenants/acme/checks/text", { token: checker, body });
      expect(response.status).toBe(415);
      expect(response.body.error.message).toContain("text/plain");
    }
  });
});
