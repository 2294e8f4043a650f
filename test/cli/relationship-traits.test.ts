import { describe, expect, it } from "vitest";
import { gatehouse, workspace } from "../support/cli.js";

const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition document {
  relation viewer: user with on_level | user with expiration
}
`;

/**
 * Caveats and expirations on the command line: written with options or in the tuple text,
 * printed back in SpiceDB's syntax so that `relationship read` output imports unchanged,
 * hidden once expired as of `GATEHOUSE_NOW`, and collected after the retention window.
 */
describe("gatehouse relationship with caveats and expiration", () => {
  const ws = workspace();
  const at = (now: string, ...args: string[]) =>
    gatehouse(["--store", ws.store, ...args], { env: { GATEHOUSE_NOW: now } });
  const early = (...args: string[]) => at("2030-01-01T00:00:00Z", ...args);

  it("writes, reads, exports and imports them, and refuses bad options with their name", () => {
    expect(early("schema", "write", ws.file("schema.zed", SCHEMA)).code).toBe(0);
    const created = early(
      "relationship",
      "create",
      "document:a",
      "viewer",
      "user:ann",
      "--caveat",
      "on_level",
      "--caveat-context",
      '{"level":3}',
    );
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(
      /^document:a#viewer@user:ann\[on_level:\{"level":3\}\] created at revision/,
    );
    const touched = early(
      "relationship",
      "touch",
      "document:a",
      "viewer",
      "user:bob",
      "--expires-at",
      "2030-01-05T01:00:00+01:00",
    );
    expect(touched.stdout).toMatch(/^document:a#viewer@user:bob\[expiration:2030-01-05T00:00:00Z\] touched/);
    expect(early("relationship", "touch", "document:a", "viewer", "user:cat[on_level]").code).toBe(0);

    const badJson = early(
      "relationship",
      "create",
      "document:b",
      "viewer",
      "user:ann",
      "--caveat",
      "on_level",
      "--caveat-context",
      "{level:3}",
    );
    expect(badJson.code).not.toBe(0);
    expect(badJson.stderr).toMatch(/--caveat-context.*invalid JSON in --caveat-context/);
    const badTime = early(
      "relationship",
      "create",
      "document:b",
      "viewer",
      "user:ann",
      "--expires-at",
      "tomorrow",
    );
    expect(badTime.code).not.toBe(0);
    expect(badTime.stderr).toMatch(/--expires-at.*invalid expiration `tomorrow`/);
    const plain = early("relationship", "create", "document:b", "viewer", "user:ann");
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(
      /without a caveat or expiration does not fit; the schema allows `user with on_level`, `user with expiration`/,
    );

    const lines = early("relationship", "read").stdout.trim().split("\n");
    expect(lines).toEqual([
      'document:a#viewer@user:ann[on_level:{"level":3}]',
      "document:a#viewer@user:bob[expiration:2030-01-05T00:00:00Z]",
      "document:a#viewer@user:cat[on_level]",
    ]);
    const json = JSON.parse(early("--json", "relationship", "read", "document", "viewer", "user:ann").stdout);
    expect(json).toEqual([expect.objectContaining({ caveat: { name: "on_level", context: { level: 3 } } })]);
    const imported = early("--tenant", "copy", "import", ws.file("export.txt", `${lines.join("\n")}\n`));
    expect(imported.code).toBe(0);
    expect(early("--tenant", "copy", "relationship", "read").stdout.trim().split("\n")).toEqual(lines);
  });

  it("hides expired relationships as of the clock and collects them after the retention window", () => {
    expect(at("2030-01-05T00:00:00Z", "relationship", "read").stdout).not.toMatch(/user:bob/);
    expect(at("2030-01-04T23:59:59Z", "relationship", "read").stdout).toMatch(/user:bob/);
    const within = at("2030-01-20T00:00:00Z", "--json", "retention", "collect");
    expect(JSON.parse(within.stdout)).toEqual({ removed: 0, expiredBy: "2029-12-21T00:00:00Z", days: 30 });
    const after = at("2030-03-01T00:00:00Z", "retention", "collect", "--reason", "monthly");
    expect(after.stdout).toMatch(
      /^removed 2 relationship rows that expired at or before 2030-01-30T00:00:00Z \(retention 30 days\)/,
    );
    const audit = JSON.parse(at("2030-03-01T00:00:00Z", "--json", "audit", "list").stdout) as {
      action: string;
    }[];
    // The collection that found nothing left no record.
    expect(audit.filter((r) => r.action === "relationships.collect-expired").length).toBe(1);
  });
});
