import { beforeEach, describe, expect, it } from "vitest";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";

/**
 * The CLI door: every direct write (create, touch, delete, bulk-delete, import) names its
 * `--as` principal and the door `cli` in `revision show`; `revision list` filters; the default
 * direct-writes guard stops a delete that takes everyone's access (exit 6, nothing written).
 */
let ws: ReturnType<typeof workspace>;
const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);

function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result;
}
const json = (result: CliResult) => JSON.parse(ok(result).stdout);

const SCHEMA = `definition user {}
definition folder {
  relation viewer: user | user:*
  permission view = viewer
}
`;

beforeEach(() => {
  ws = workspace();
  ok(run("schema", "write", ws.file("schema.zed", SCHEMA)));
});

describe("gatehouse revision", () => {
  it("show names the actor and the door of every kind of direct write", () => {
    const created = json(
      run(
        "--json",
        "--as",
        "ann",
        "--tenant",
        "acme",
        "relationship",
        "create",
        "folder:handbook",
        "viewer",
        "user:*",
      ),
    );
    const touched = json(
      run(
        "--json",
        "--as",
        "bob",
        "--tenant",
        "acme",
        "relationship",
        "touch",
        "folder:handbook",
        "viewer",
        "user:bob",
      ),
    );
    const imported = json(
      run(
        "--json",
        "--as",
        "loader",
        "--tenant",
        "acme",
        "import",
        ws.file("data.txt", "folder:notes#viewer@user:cid\n"),
      ),
    );
    const deleted = json(
      run(
        "--json",
        "--as",
        "cid",
        "--tenant",
        "acme",
        "relationship",
        "delete",
        "folder:handbook",
        "viewer",
        "user:bob",
      ),
    );
    const bulk = json(
      run(
        "--json",
        "--as",
        "dan",
        "--tenant",
        "acme",
        "relationship",
        "bulk-delete",
        "folder:notes",
        "viewer",
      ),
    );
    const show = (revision: number) => json(run("--json", "revision", "show", String(revision)));
    expect(show(created.revision)).toMatchObject({
      actor: "ann",
      door: "cli",
      tenant: "acme",
      created: 1,
      deleted: 0,
    });
    expect(show(touched.revision)).toMatchObject({ actor: "bob", door: "cli", created: 1 });
    expect(show(imported.revision)).toMatchObject({ actor: "loader", door: "cli", created: 1 });
    expect(show(deleted.revision)).toMatchObject({ actor: "cid", door: "cli", deleted: 1 });
    expect(show(bulk.revision)).toMatchObject({ actor: "dan", door: "cli", deleted: 1 });
    expect(bulk.deleted).toEqual(["folder:notes#viewer@user:cid"]);

    const text = ok(run("revision", "show", String(deleted.revision))).stdout;
    expect(text).toContain(`revision ${deleted.revision}`);
    expect(text).toMatch(/actor: +cid/);
    expect(text).toMatch(/door: +cli/);

    // The audit log has the writes too, with counts.
    const audit = json(run("--json", "audit", "list", "--actor", "dan"));
    expect(audit.map((r: { action: string; details: unknown }) => [r.action, r.details])).toEqual([
      ["relationships.delete", { door: "cli", requestId: null, created: 0, deleted: 1 }],
    ]);

    const missing = run("revision", "show", "999");
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("revision 999 does not exist");
    const bad = run("revision", "show", "x");
    expect(bad.code).toBe(2);
  });

  it("list filters by actor, tenant, time and count, newest first", () => {
    ok(run("--as", "ann", "--tenant", "acme", "relationship", "touch", "folder:a", "viewer", "user:ann"));
    ok(run("--as", "bob", "--tenant", "globex", "relationship", "touch", "folder:b", "viewer", "user:bob"));
    ok(run("--as", "ann", "--tenant", "globex", "relationship", "touch", "folder:c", "viewer", "user:ann"));
    const list = (...args: string[]) =>
      json(run("--json", "revision", "list", ...args)).map((r: { revision: number }) => r.revision);
    expect(list()).toEqual([4, 3, 2, 1]);
    expect(list("--actor", "ann")).toEqual([4, 2]);
    expect(
      json(run("--json", "--tenant", "globex", "revision", "list")).map((r: { actor: string }) => r.actor),
    ).toEqual(["ann", "bob"]);
    expect(list("--limit", "2")).toEqual([4, 3]);
    expect(list("--since", "2h")).toEqual([4, 3, 2, 1]);
    expect(list("--since", "2999-01-01")).toEqual([]);
    expect(ok(run("revision", "list", "--actor", "bob")).stdout).toMatch(
      /^ +3 \S+Z globex +bob +cli +relationships +\+1 -0/,
    );
    const bad = run("revision", "list", "--since", "yesterday");
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("since");
    expect(run("revision", "list", "--limit", "0").code).toBe(2);
  });

  it("the default guard stops a delete of everyone's access with exit 6, writing nothing, and names the change to propose", () => {
    ok(run("--tenant", "acme", "relationship", "create", "folder:handbook", "viewer", "user:*"));
    const read = ok(run("guards", "read")).stdout;
    expect(read).toContain("name: direct-write-blast-radius");
    expect(read).toContain("max-loss: 1000");
    expect(read).toContain("max-deletes: 1000");

    const refused = run(
      "--as",
      "mallory",
      "--tenant",
      "acme",
      "relationship",
      "delete",
      "folder:handbook",
      "viewer",
      "user:*",
    );
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain("guard `direct-write-blast-radius`");
    expect(refused.stderr).toContain("gatehouse --tenant acme change propose FILE");
    expect(refused.stderr).toContain('- "folder:handbook#viewer@user:*"');
    const bulk = run(
      "--as",
      "mallory",
      "--tenant",
      "acme",
      "relationship",
      "bulk-delete",
      "folder",
      "viewer",
    );
    expect(bulk.code).toBe(6);
    expect(bulk.stderr).toContain("delete_where:\n    - { resource_type: folder, relation: viewer }");
    expect(
      ok(run("--tenant", "acme", "permission", "check", "folder:handbook", "view", "user:zed")).stdout.trim(),
    ).toBe("true");
    expect(json(run("--json", "revision", "list", "--actor", "mallory"))).toEqual([]);
    expect(ok(run("audit", "list", "--actor", "mallory")).stdout.trim()).toBe("no audit records");
  });
});
