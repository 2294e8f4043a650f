import { describe, expect, it } from "vitest";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";

/**
 * `gatehouse index snapshot` and `index list`: an import leaves a snapshot, the command writes
 * one at the head for the tenant (or every tenant), and a check after it answers from it.
 */
function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result;
}

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}
`;

describe("gatehouse index", () => {
  it("writes and lists the tenants' index snapshots", () => {
    const ws = workspace();
    const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);
    ok(run("schema", "write", ws.file("schema.zed", SCHEMA)));
    ok(
      run(
        "--tenant",
        "acme",
        "import",
        ws.file("a.txt", "document:d1#viewer@user:ann\ndocument:d2#viewer@user:bob\n"),
      ),
    );
    ok(run("--tenant", "globex", "relationship", "create", "document:d1", "viewer", "user:cat"));
    const listed = JSON.parse(ok(run("--json", "index", "list")).stdout);
    expect(listed.map((s: { tenant: string; revision: number }) => [s.tenant, s.revision])).toEqual([
      ["acme", 2],
    ]);

    const one = ok(run("--tenant", "globex", "index", "snapshot"));
    expect(one.stdout).toMatch(
      /^wrote index snapshot of tenant `globex` at revision 3: 1 relationships, 0\.0 MiB \(encoded in \d+ ms\)\n$/,
    );
    const all = JSON.parse(ok(run("--json", "index", "snapshot", "--all-tenants")).stdout);
    expect(
      all.map((s: { tenant: string; revision: number; kept: boolean }) => [s.tenant, s.revision, s.kept]),
    ).toEqual([
      ["acme", 3, true],
      ["globex", 3, true],
    ]);
    expect(ok(run("--tenant", "acme", "permission", "check", "document:d2", "view", "user:bob")).stdout).toBe(
      "true\n",
    );
    expect(ok(run("--tenant", "acme", "permission", "check", "document:d1", "view", "user:cat")).stdout).toBe(
      "false\n",
    );
  });
});
