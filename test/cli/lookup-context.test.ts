import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, gatehouse, workspace } from "../support/cli.js";
import { type RunningServer, startServer } from "../support/server.js";

const SCHEMA = `caveat on_level(level int) {
  level > 2
}
definition user {}
definition document {
  relation viewer: user | user with on_level | user:* with on_level
  permission view = viewer
}
`;
const TUPLES =
  "document:a#viewer@user:ann\ndocument:b#viewer@user:ann[on_level]\ndocument:pub#viewer@user:*[on_level]\n";

const run = promisify(execFile);

/**
 * `permission check` and the lookups with `--caveat-context`, in local mode and through a server
 * (the same words and JSON either way): a conditional answer says what it misses.
 */
describe("gatehouse permission check and lookups with --caveat-context", () => {
  const ws = workspace();
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    expect(gatehouse(["--store", ws.store, "schema", "write", ws.file("schema.zed", SCHEMA)]).code).toBe(0);
    expect(
      gatehouse(["--store", ws.store, "--tenant", "acme", "import", ws.file("rels.txt", TUPLES)]).code,
    ).toBe(0);
    server = await startServer(ws.store);
    token = await server.token("cli", "check", ["acme"]);
  });
  afterAll(async () => server?.close());

  const local = async (...args: string[]) => gatehouse(["--store", ws.store, "--tenant", "acme", ...args]);
  const remote = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [
        CLI,
        "--server",
        server.url,
        "--token",
        token,
        "--tenant",
        "acme",
        ...args,
      ]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it("answers conditionally without the context and decides with it", async () => {
    const cli = local;
    const check = await cli("permission", "check", "document:b", "view", "user:ann");
    expect(check.stdout).toBe("conditional (missing level)\n");
    const json = JSON.parse(
      (await cli("--json", "permission", "check", "document:b", "view", "user:ann")).stdout,
    );
    expect(json).toMatchObject({ allowed: false, conditional: ["level"] });
    const resources = await cli("permission", "lookup-resources", "document", "view", "user:ann");
    expect(resources.stdout).toBe(
      "document:a\ndocument:b conditional (missing level)\ndocument:pub conditional (missing level)\n",
    );
    const paged = await cli("permission", "lookup-resources", "document", "view", "user:ann", "--limit", "2");
    expect(paged.stdout).toBe("document:a\ndocument:b conditional (missing level)\n");
    const subjects = await cli("permission", "lookup-subjects", "document:pub", "view", "user");
    expect(subjects.stdout).toBe("user:* conditional (missing level)\n");
    const bad = await cli(
      "permission",
      "lookup-resources",
      "document",
      "view",
      "user:ann",
      "--caveat-context",
      "[1]",
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--caveat-context must be a JSON object/);
  });

  it("passes the context through a server and shows conditional answers alike", async () => {
    const cli = remote;
    const checked = await cli(
      "permission",
      "check",
      "document:b",
      "view",
      "user:ann",
      "--caveat-context",
      '{"level":5}',
    );
    expect(checked.stdout).toBe("true\n");
    const resourcesJson = JSON.parse(
      (await cli("--json", "permission", "lookup-resources", "document", "view", "user:ann")).stdout,
    );
    expect(resourcesJson).toMatchObject({
      resources: ["document:a"],
      conditional: [
        { resource: "document:b", missing: ["level"] },
        { resource: "document:pub", missing: ["level"] },
      ],
    });
    const low = await cli(
      "permission",
      "lookup-resources",
      "document",
      "view",
      "user:ann",
      "--caveat-context",
      '{"level":1}',
    );
    expect(low.stdout).toBe("document:a\n");
    const high = await cli(
      "permission",
      "lookup-subjects",
      "document:pub",
      "view",
      "user",
      "--caveat-context",
      '{"level":3}',
    );
    expect(high.stdout).toBe("user:*\n");
  });

  it("applies --caveat-context to every check of a batch and shows conditional answers, locally and through a server", async () => {
    const batch = ws.file(
      "checks.txt",
      "document:a#view@user:ann\ndocument:b#view@user:ann\ndocument:pub#view@user:bob\n",
    );
    for (const cli of [local, remote]) {
      // Before: conditional answers were printed as `false`, and a given context was left unused.
      const bare = await cli("permission", "check", "--batch", batch);
      expect(bare.stdout).toBe("true\nconditional (missing level)\nconditional (missing level)\n");
      const json = JSON.parse((await cli("--json", "permission", "check", "--batch", batch)).stdout);
      expect(json).toMatchObject({
        results: [true, false, false],
        conditional: [null, ["level"], ["level"]],
      });
      const high = await cli("permission", "check", "--batch", batch, "--caveat-context", '{"level":3}');
      expect(high.stdout).toBe("true\ntrue\ntrue\n");
      const low = await cli("permission", "check", "--batch", batch, "--caveat-context", '{"level":1}');
      expect(low.stdout).toBe("true\nfalse\nfalse\n");
      const explained = await cli("permission", "check", "--batch", batch, "--explain");
      expect(explained.code).not.toBe(0);
      expect(explained.stderr).toMatch(/--explain explains one check; it cannot be used with --batch/);
    }
  });
});
