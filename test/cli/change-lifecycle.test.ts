import { beforeEach, describe, expect, it } from "vitest";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";

// `change approve [--plan]`, `change withdraw`, `change reject` and the revert that is returned
// instead of proposed twice, as a user types them.
const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition doc {
  relation viewer: user | group#member
  permission view = viewer
}
`;

let ws: ReturnType<typeof workspace>;
const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);

function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result;
}

beforeEach(() => {
  ws = workspace();
  ok(run("schema", "write", ws.file("schema.zed", SCHEMA)));
  ok(run("relationship", "create", "group:eng", "member", "user:ann"));
  ok(run("relationship", "create", "doc:d1", "viewer", "group:eng#member"));
});

const proposeRevoke = () =>
  Number(
    ok(
      run(
        "--as",
        "dev",
        "change",
        "propose",
        ws.file("c.yaml", "intent: revoke\nreason: r\ndelete:\n  - doc:d1#viewer@group:eng#member\n"),
      ),
    ).stdout.split("\n")[0],
  );
/** `change plan` exits 6 while the plan is blocked; its JSON names the plan either way. */
const planOf = (id: number) => {
  const r = run("--json", "--as", "dev", "change", "plan", String(id));
  return JSON.parse(r.stdout).planId as string;
};

describe("change approve, withdraw and reject on the CLI", () => {
  it("--plan naming an older plan exits 5 and approves nothing; a bare approve says what it approved", () => {
    const id = proposeRevoke();
    const first = planOf(id);
    ok(run("relationship", "create", "group:eng", "member", "user:bob"));
    const second = planOf(id);
    expect(second).not.toBe(first);
    const refused = run("--as", "lead", "change", "approve", String(id), "--plan", first);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`plan \`${first}\` is not the newest plan of change ${id}`);
    expect(refused.stderr).toContain("2 lost");
    expect(JSON.parse(ok(run("--json", "change", "show", String(id))).stdout).approvals).toEqual([]);

    const bare = ok(run("--as", "lead", "change", "approve", String(id)));
    expect(bare.stdout).toContain(`lead approved plan ${second} (planned at revision`);
    expect(bare.stdout).toContain("0 gained, 2 lost");
    expect(bare.stdout).toContain("approvals 1 of 1 needed; ready: gatehouse change apply");
    ok(run("--as", "dev", "change", "apply", String(id)));
  });

  it("--plan naming the newest plan approves it", () => {
    const id = proposeRevoke();
    const plan = planOf(id);
    const json = JSON.parse(
      ok(run("--json", "--as", "lead", "change", "approve", String(id), "--plan", plan)).stdout,
    );
    expect(json).toMatchObject({ approved: plan, planId: plan, blocked: false });
  });

  it("withdraw is the author's; reject needs a reason; both end the change", () => {
    const id = proposeRevoke();
    const notAuthor = run("--as", "lead", "change", "withdraw", String(id));
    expect(notAuthor.code).toBe(6);
    expect(ok(run("--as", "dev", "change", "withdraw", String(id))).stdout).toContain(
      `change ${id} withdrawn by dev`,
    );
    expect(run("--as", "dev", "change", "plan", String(id)).code).toBe(5);

    const other = proposeRevoke();
    expect(run("--as", "lead", "change", "reject", String(other)).code).toBe(2);
    const rejected = ok(
      run("--json", "--as", "lead", "change", "reject", String(other), "--reason", "keep d1"),
    );
    expect(JSON.parse(rejected.stdout)).toMatchObject({ id: other, state: "rejected" });
    const listed = ok(run("change", "list", "--state", "rejected")).stdout;
    expect(listed).toContain("rejected");
    const audit = ok(run("--json", "change", "show", String(other))).stdout;
    expect(JSON.parse(audit).history.map((h: { action: string }) => h.action)).toContain("change.reject");
  });

  it("revert of a change with a pending revert returns that revert", () => {
    const id = proposeRevoke();
    planOf(id);
    ok(run("--as", "lead", "change", "approve", String(id)));
    ok(run("--as", "dev", "change", "apply", String(id)));
    ok(
      run(
        "guards",
        "write",
        ws.file("g.yaml", "guards:\n  - name: no-gains\n    kind: max-gain\n    subjects: 0\n"),
      ),
    );
    const first = run("--json", "--as", "dev", "change", "revert", String(id));
    expect(first.code).toBe(6);
    const revert = JSON.parse(first.stdout);
    expect(revert.existing).toBe(false);
    const second = run("--as", "dev", "change", "revert", String(id));
    expect(second.code).toBe(6);
    expect(second.stdout).toContain(
      `change ${id} already has a pending revert, change ${revert.id} (planned)`,
    );
    const reverts = JSON.parse(ok(run("--json", "change", "list")).stdout).filter(
      (c: { intent: string }) => c.intent === "revert",
    );
    expect(reverts).toHaveLength(1);
  });
});
