import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { gatehouse, workspace } from "../support/cli.js";

/**
 * Errors on the command line as a person reads them: what was wrong, where, and what was
 * expected or what to do instead. Each message is asserted whole.
 */
describe("CLI error messages", () => {
  const w = workspace();
  const run = (...args: string[]) => gatehouse(["--store", w.store, "--as", "ann", ...args]);

  beforeAll(() => {
    const schema = w.file(
      "schema.zed",
      "definition user {}\ndefinition document {\n  relation viewer: user\n}\n",
    );
    expect(run("schema", "write", schema).code).toBe(EXIT.ok);
    expect(run("relationship", "create", "document:a", "viewer", "user:ann").code).toBe(EXIT.ok);
  });

  it("a relationship created twice names it, its tenant, and `touch`", () => {
    const again = run("relationship", "create", "document:a", "viewer", "user:ann");
    expect(again.code).toBe(EXIT.conflict);
    expect(again.stderr).toBe(
      "error: relationship `document:a#viewer@user:ann` already exists in tenant `default`: nothing was written (`touch` writes a relationship whether or not it exists)\n",
    );
    expect(run("relationship", "touch", "document:a", "viewer", "user:ann").code).toBe(EXIT.ok);
  });

  it("a relationship deleted that is not there says so, without a field the user never typed", () => {
    const missing = run("relationship", "delete", "document:b", "viewer", "user:ann");
    expect(missing.code).toBe(EXIT.conflict);
    expect(missing.stderr).toBe(
      "error: relationship `document:b#viewer@user:ann` does not exist in tenant `default`, so it cannot be deleted: nothing was written\n",
    );
  });

  it("an unknown guard kind is named as written, with the kinds there are", () => {
    const guards = w.file("guards.yaml", "guards:\n  - name: g\n    kind: max-los\n    subjects: 3\n");
    const written = run("guards", "write", guards);
    expect(written.code).toBe(EXIT.input);
    expect(written.stderr).toBe(
      `error: ${guards}:3:11: unknown guard kind \`max-los\`: expected one of \`access-neutral\`, \`max-loss\`, \`max-gain\`, \`subset\`, \`assertions\`, \`direct-writes\`\n      kind: max-los\n            ^\n`,
    );
  });

  it("audit list takes a family of actions, and refuses an action that is none of them", () => {
    const family = run("--json", "audit", "list", "--action", "relationships");
    expect(family.code).toBe(EXIT.ok);
    const actions = (JSON.parse(family.stdout) as Array<{ action: string }>).map((r) => r.action);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a === "relationships.write")).toBe(true);
    // A known family with no record yet answers nothing, as a known action does.
    expect(run("audit", "list", "--action", "rollout").stdout).toBe("no audit records\n");
    const typo = run("audit", "list", "--action", "rollot");
    expect(typo.code).toBe(EXIT.usage);
    expect(typo.stderr).toBe(
      "error: unknown audit action `rollot`: expected a family of actions (`auth`, `change`, `guards`, `relationships`, `retention`, `rollout`, `schema`, `shadow`, `token`) or one action, such as `rollout.start` or `change.apply`\n",
    );
    expect(run("audit", "list", "--action", "change.aply").code).toBe(EXIT.usage);
  });

  it("a time that is neither a date nor a duration names both forms", () => {
    const since = run("audit", "list", "--since", "yesterday");
    expect(since.code).toBe(EXIT.input);
    expect(since.stderr).toBe(
      "error: invalid since `yesterday`: expected a UTC time such as `2030-01-02T03:04:05Z`, or how long ago, such as `2h` or `7d` (--since)\n",
    );
  });
});
