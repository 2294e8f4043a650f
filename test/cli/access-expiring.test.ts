import { describe, expect, it } from "vitest";
import { gatehouse, workspace } from "../support/cli.js";

const SCHEMA = `use expiration

definition user {}

definition document {
  relation viewer: user | user with expiration
  relation editor: user
  permission view = viewer + editor
}
`;

/** `gatehouse access expiring`: the forecast on the command line, with its window checked. */
describe("gatehouse access expiring", () => {
  const ws = workspace();
  const at = (...args: string[]) =>
    gatehouse(["--store", ws.store, ...args], { env: { GATEHOUSE_NOW: "2030-01-01T00:00:00Z" } });

  it("prints who loses which access when, and refuses a bad window with its name", () => {
    expect(at("schema", "write", ws.file("schema.zed", SCHEMA)).code).toBe(0);
    const data = [
      "document:a#viewer@user:ann[expiration:2030-01-03T00:00:00Z]",
      "document:a#viewer@user:bob[expiration:2030-01-03T00:00:00Z]",
      "document:a#editor@user:bob",
    ].join("\n");
    const imported = at("--tenant", "acme", "import", ws.file("data.txt", data));
    expect(imported.code).toBe(0);
    const forecast = at("access", "expiring", "--within", "7d");
    expect(forecast.code).toBe(0);
    expect(forecast.stdout).toContain("2030-01-03T00:00:00Z  acme user:ann loses view on document:a");
    expect(forecast.stdout).not.toContain("user:bob");
    const bad = at("access", "expiring", "--within", "a week");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("invalid within `a week`");
  });
});
