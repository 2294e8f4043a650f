import { beforeEach, describe, expect, it } from "vitest";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";

const SCHEMA = `definition user {}

definition group {
  relation member: user | group#member
}

definition document {
  relation viewer: user | group#member | user:*
  relation banned: user
  permission view = viewer - banned
}
`;

let ws: ReturnType<typeof workspace>;
const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);
const runInput = (input: string, ...args: string[]) => gatehouse(["--store", ws.store, ...args], { input });

function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result;
}

beforeEach(() => {
  ws = workspace();
  ok(run("schema", "write", ws.file("schema.zed", SCHEMA)));
});

describe("gatehouse CLI", () => {
  it("writes, reads and checks", () => {
    ok(run("relationship", "create", "document:readme", "viewer", "group:eng#member"));
    ok(run("relationship", "create", "group:eng", "member", "user:ann"));
    expect(ok(run("permission", "check", "document:readme", "view", "user:ann")).stdout).toBe("true\n");
    expect(ok(run("permission", "check", "document:readme", "view", "user:bob")).stdout).toBe("false\n");
    const json = JSON.parse(
      ok(run("--json", "permission", "check", "document:readme", "view", "user:ann")).stdout,
    );
    expect(json).toEqual({ allowed: true, revision: 3, schema: { version: 1 } });
    expect(ok(run("relationship", "read", "document")).stdout).toBe(
      "document:readme#viewer@group:eng#member\n",
    );
    expect(ok(run("permission", "lookup-resources", "document", "view", "user:ann")).stdout).toBe(
      "document:readme\n",
    );
    expect(ok(run("permission", "lookup-subjects", "document:readme", "view", "user")).stdout).toBe(
      "user:ann\n",
    );
    expect(ok(run("schema", "read")).stdout).toContain("permission view = viewer - banned");
  });

  it("explains an answer", () => {
    ok(run("relationship", "create", "document:readme", "viewer", "group:eng#member"));
    ok(run("relationship", "create", "group:eng", "member", "user:ann"));
    const out = ok(run("permission", "check", "document:readme", "view", "user:ann", "--explain")).stdout;
    expect(out).toContain("✓ user:ann is directly related  [group:eng#member@user:ann]");
    const json = JSON.parse(
      ok(run("--json", "permission", "check", "document:readme", "view", "user:zed", "--explain")).stdout,
    );
    expect(json.allowed).toBe(false);
    expect(json.explain.result).toBe(false);
  });

  it("checks in batches, in order, from standard input", () => {
    ok(
      runInput(
        "document:readme#viewer@user:ann\ndocument:readme#banned@user:bob\ndocument:readme#viewer@user:bob\n",
        "import",
        "-",
      ),
    );
    const out = ok(
      runInput(
        "document:readme#view@user:ann\n\ndocument:readme#view@user:bob\ndocument:readme#view@user:cid\n",
        "permission",
        "check",
        "--batch",
        "-",
      ),
    ).stdout;
    expect(out).toBe("true\nfalse\nfalse\n");
  });

  it("keeps tenants apart", () => {
    ok(run("--tenant", "acme", "relationship", "create", "document:readme", "viewer", "user:ann"));
    expect(
      ok(run("--tenant", "acme", "permission", "check", "document:readme", "view", "user:ann")).stdout,
    ).toBe("true\n");
    expect(
      ok(run("--tenant", "globex", "permission", "check", "document:readme", "view", "user:ann")).stdout,
    ).toBe("false\n");
    expect(ok(run("permission", "check", "document:readme", "view", "user:ann")).stdout).toBe("false\n");
    expect(
      ok(
        gatehouse(["permission", "check", "document:readme", "view", "user:ann"], {
          env: { GATEHOUSE_STORE: ws.store, GATEHOUSE_TENANT: "acme" },
        }),
      ).stdout,
    ).toBe("true\n");
  });

  it("answers at least at a revision, and says when it does not exist", () => {
    ok(run("relationship", "create", "document:readme", "viewer", "user:ann"));
    expect(
      ok(run("permission", "check", "document:readme", "view", "user:ann", "--at-least", "2")).stdout,
    ).toBe("true\n");
    const late = run("permission", "check", "document:readme", "view", "user:ann", "--at-least", "99");
    expect(late.code).toBe(4);
    expect(late.stderr).toContain("revision 99 does not exist yet; the newest is 2");
  });

  it("reads relationships as of a past revision", () => {
    ok(run("relationship", "create", "document:readme", "viewer", "user:ann"));
    ok(run("relationship", "delete", "document:readme", "viewer", "user:ann"));
    expect(ok(run("relationship", "read")).stdout).toBe("");
    expect(ok(run("relationship", "read", "--at-revision", "2")).stdout).toBe(
      "document:readme#viewer@user:ann\n",
    );
  });
});

describe("bad input: one clear message with the place, a non-zero exit, nothing written", () => {
  const nothingWritten = () => expect(ok(run("relationship", "read")).stdout).toBe("");

  it("a malformed tuple", () => {
    const r = run("relationship", "create", "document:readme", "viewer", "user");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("invalid subject `user`: expected `type:id`");
    nothingWritten();
  });

  it("an unknown type or relation", () => {
    let r = run("relationship", "create", "memo:one", "viewer", "user:ann");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unknown type `memo`");
    r = run("relationship", "create", "document:one", "owner", "user:ann");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unknown relation `owner` on type `document`");
    r = run("permission", "check", "document:one", "edit", "user:ann");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unknown permission or relation `edit` on type `document`");
    nothingWritten();
  });

  it("a subject type the relation does not allow", () => {
    const r = run("relationship", "create", "document:one", "banned", "group:eng#member");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "subject `group:eng#member` is not allowed on `document#banned`: expected one of `user`",
    );
    nothingWritten();
  });

  it("a permission written as a relation", () => {
    const r = run("relationship", "create", "document:one", "view", "user:ann");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("`document#view` is a permission, which is computed and cannot be written");
  });

  it("an import with one bad line writes nothing and names the line", () => {
    const file = ws.file(
      "data.txt",
      "document:a#viewer@user:ann\n\ndocument:b#viewer@usr:bob\ndocument:c#viewer@user:cid\n",
    );
    const r = run("import", file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${file}:3:1: unknown subject type \`usr\``);
    nothingWritten();
    const malformed = run(
      "import",
      ws.file("bad.txt", "document:a#viewer@user:ann\ndocument:b viewer user:bob\n"),
    );
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toMatch(/bad\.txt:2:1: invalid relationship `document:b viewer user:bob`/);
    nothingWritten();
  });

  it("a broken schema names file, line and column, and keeps the old schema", () => {
    const file = ws.file(
      "broken.zed",
      "definition user {}\ndefinition doc {\n  relation viewer: usr\n  permission view = viewer + editor\n}\n",
    );
    const r = run("schema", "write", file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${file}:3:20: unknown type \`usr\` in relation \`doc#viewer\``);
    expect(r.stderr).toContain(`${file}:4:30: unknown relation or permission \`editor\``);
    expect(ok(run("schema", "read")).stdout).toContain("definition document");
  });

  it("a schema that would orphan live relationships is refused", () => {
    ok(run("relationship", "create", "document:a", "banned", "user:ann"));
    const r = run(
      "schema",
      "write",
      ws.file("smaller.zed", "definition user {}\ndefinition document {\n  relation viewer: user\n}\n"),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("does not allow `document#banned@user`, which 1 live relationship use");
  });

  it("an unknown tenant name format", () => {
    const r = run("--tenant", "Acme Corp", "relationship", "create", "document:a", "viewer", "user:ann");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("invalid tenant name `Acme Corp`");
  });

  it("a usage error has its own exit code", () => {
    expect(run("relationship", "create", "document:a").code).toBe(2);
    expect(run("frobnicate").code).toBe(2);
    expect(run("permission", "check", "document:a", "view", "user:ann", "--at-least", "soon").code).toBe(2);
  });

  it("a bad line in a batch check names its line and answers nothing", () => {
    const r = runInput(
      "document:a#view@user:ann\ndocument:a#edit@user:ann\n",
      "permission",
      "check",
      "--batch",
      "-",
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("<stdin>:2: unknown permission or relation `edit`");
    expect(r.stdout).toBe("");
  });

  it("errors come as JSON with --json", () => {
    const r = run("--json", "relationship", "create", "memo:one", "viewer", "user:ann");
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stderr).error.kind).toBe("input");
  });
});

describe("validate", () => {
  it("passes a file whose assertions hold, and names each failing line", () => {
    const good = ws.file(
      "good.yaml",
      `schema: |-\n  definition user {}\n  definition doc {\n    relation viewer: user\n  }\nrelationships: |-\n  doc:one#viewer@user:ann\nassertions:\n  assertTrue:\n    - doc:one#viewer@user:ann\n  assertFalse:\n    - doc:one#viewer@user:bob\n`,
    );
    expect(ok(run("validate", good)).stdout).toContain("ok (2 checks)");
    const bad = ws.file(
      "bad.yaml",
      `schema: |-\n  definition user {}\n  definition doc {\n    relation viewer: user\n  }\nrelationships: |-\n  doc:one#viewer@user:ann\nassertions:\n  assertTrue:\n    - doc:one#viewer@user:bob\n  assertFalse:\n    - doc:one#viewer@user:ann\n`,
    );
    const r = run("validate", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:10:7: assertTrue failed: \`doc:one#viewer@user:bob\` is false`);
    expect(r.stdout).toContain(`${bad}:12:7: assertFalse failed: \`doc:one#viewer@user:ann\` is true`);
  });

  it("reports a schema error at its place in the YAML file", () => {
    const broken = ws.file(
      "broken.yaml",
      `schema: |-\n  definition user {}\n  definition doc {\n    relation viewer: usr\n  }\nrelationships: ""\n`,
    );
    const r = run("validate", broken);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${broken}:4:22: unknown type \`usr\``);
  });
});
