import { beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { gatehouse, workspace } from "../support/cli.js";

/**
 * The CLI reads every page of a lookup or a relationship read (10,000 a page) unless `--limit`,
 * and `decisions list` says when decisions of its window were lost.
 */
const ws = workspace();
const run = (args: string[]) => gatehouse(["--store", ws.store, "--tenant", "acme", ...args]);
const COUNT = 12_345;

describe("gatehouse paged reads", () => {
  beforeAll(() => {
    const schema =
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}\n";
    expect(run(["schema", "write", ws.file("schema.zed", schema)]).code).toBe(0);
    const lines = Array.from({ length: COUNT }, (_, i) => `document:d${i}#viewer@user:ann`).join("\n");
    expect(run(["import", ws.file("data.txt", lines)]).code).toBe(0);
  }, 60_000);

  it("lookup-resources prints every id across pages; --limit prints the first N", () => {
    const all = run(["permission", "lookup-resources", "document", "view", "user:ann"]);
    expect(all.code).toBe(0);
    const ids = all.stdout.trim().split("\n");
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    const some = run(["permission", "lookup-resources", "document", "view", "user:ann", "--limit", "10001"]);
    expect(some.stdout.trim().split("\n")).toEqual(ids.slice(0, 10_001));
    const bad = run(["permission", "lookup-resources", "document", "view", "user:ann", "--limit", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--limit");
  }, 60_000);

  it("relationship read prints every relationship across pages; --limit prints the first N", () => {
    const all = run(["relationship", "read", "document"]);
    expect(all.stdout.trim().split("\n")).toHaveLength(COUNT);
    const json = JSON.parse(run(["--json", "relationship", "read", "document", "--limit", "3"]).stdout);
    expect(json).toHaveLength(3);
  }, 60_000);

  it("decisions list says how many decisions of its window have no record", async () => {
    const store = SqliteStore.open(ws.store);
    await store.recordDecisionLoss({
      process: "host:1:ab",
      reason: "process_ended",
      count: 42,
      firstAt: "2030-05-01T10:00:00.000Z",
      lastAt: "2030-05-01T10:00:01.000Z",
    });
    await store.close();
    const inWindow = run([
      "decisions",
      "list",
      "--since",
      "2030-05-01T09:00:00Z",
      "--until",
      "2030-05-01T11:00:00Z",
    ]);
    expect(inWindow.stdout).toContain(
      "LOST: 42 decisions answered 2030-05-01T10:00:00.000Z to 2030-05-01T10:00:01.000Z have no record",
    );
    const outside = run(["decisions", "list", "--since", "2030-05-02T00:00:00Z"]);
    expect(outside.stdout).not.toContain("LOST");
    const json = run(["--json", "decisions", "list", "--since", "2030-05-01T09:00:00Z"]);
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(json.stderr).toContain("LOST: 42");
  });
});
