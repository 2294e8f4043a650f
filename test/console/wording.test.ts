import { describe, expect, it } from "vitest";
import { consoleWording } from "../../src/console/app/wording.js";

/** The API's messages name CLI commands; the console says which of its own actions to take. */
describe("console wording", () => {
  it("turns each change command into the console action that does it", () => {
    expect(
      consoleWording(
        "1 access would be lost; it needs an approval from someone other than its author `root` (`gatehouse change approve 13 --as NAME`)",
      ),
    ).toBe(
      "1 access would be lost; it needs an approval from someone other than its author `root` (another person approves it with Approve on change 13's page, signed in with their own token)",
    );
    expect(consoleWording("change 4 is proposed; plan it before approving (`gatehouse change plan 4`)")).toBe(
      "change 4 is proposed; plan it before approving (Plan again on change 4's page)",
    );
    expect(
      consoleWording(
        "plan `p1` is not the newest plan of change 7, and nothing was approved: the newest is `p2` (planned at revision 3: 0 gained, 1 lost); review it (`gatehouse change show 7`) and approve it with `--plan p2`",
      ),
    ).toBe(
      "plan `p1` is not the newest plan of change 7, and nothing was approved: the newest is `p2` (planned at revision 3: 0 gained, 1 lost); review it (open change 7 under Changes) and approve plan p2 there",
    );
  });

  it("never leaves a command to run, whatever the command", () => {
    for (const message of [
      "no shadow evaluation has run yet: start one with `gatehouse shadow start CHANGE_ID`",
      "next step (`gatehouse rollout promote`): acme",
      "then `gatehouse change apply 12`",
      "see `gatehouse frobnicate widgets --hard`",
      "see `gatehouse change list --state applied`",
    ])
      expect(consoleWording(message)).not.toMatch(/gatehouse |--[a-z]/);
  });

  it("leaves a message without commands as it is", () => {
    const message = "unknown relation `editor` on type `document`";
    expect(consoleWording(message)).toBe(message);
  });
});
