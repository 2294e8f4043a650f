import { describe, expect, it } from "vitest";
import { gatehouse, workspace } from "../support/cli.js";

// Regression: `change show` looked the proposal's audit record up a second time by its
// timestamp, so with a fixed clock (GATEHOUSE_NOW) every proposal in the tenant matched and the
// history listed the proposal twice (or another change's proposal). One service operation now
// reads a change's history for the CLI and the HTTP API alike.
describe("change show", () => {
  it("lists the proposal once, and no other change's, with a fixed clock", () => {
    const ws = workspace();
    const env = { GATEHOUSE_NOW: "2026-01-02T03:04:05.000Z" };
    const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args], { env });
    expect(
      run(
        "schema",
        "write",
        ws.file("s.zed", "definition user {}\ndefinition doc {\n  relation viewer: user\n}\n"),
      ).code,
    ).toBe(0);
    const propose = (subject: string) =>
      Number(
        run(
          "--as",
          "dev",
          "change",
          "propose",
          ws.file(`${subject}.yaml`, `intent: grant\nreason: r\nwrite:\n  - doc:d1#viewer@user:${subject}\n`),
        ).stdout.split("\n")[0],
      );
    const first = propose("ann");
    const second = propose("bob");
    for (const id of [first, second]) {
      const shown = JSON.parse(run("--json", "change", "show", String(id)).stdout);
      const proposals = shown.history.filter((a: { action: string }) => a.action === "change.propose");
      expect(proposals).toHaveLength(1);
      expect(proposals[0].target).toBe(`change:${id}`);
    }
  });
});
