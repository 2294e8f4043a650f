import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { type CliResult, gatehouse, workspace } from "../support/cli.js";

let ws: ReturnType<typeof workspace>;
const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);

function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result;
}

/** Raw SQL on the store file, as someone with the file and no Gatehouse would write it. */
function tamper(sql: string): void {
  const db = new Database(ws.store);
  db.exec(sql);
  db.close();
}

beforeEach(() => {
  ws = workspace();
  ok(
    run(
      "schema",
      "write",
      ws.file("schema.zed", "definition user {}\ndefinition document {\n  relation viewer: user\n}\n"),
      "--as",
      "root",
    ),
  ); // audit 1: every schema write is audited (issue 13)
  const change =
    'tenant: acme\nintent: grant\nreason: onboarding\nwrite: [ "document:readme#viewer@user:ann" ]\n';
  ok(run("change", "propose", ws.file("change.yaml", change), "--as", "ann")); // 2
  ok(run("token", "create", "--name", "app", "--role", "check", "--as", "root")); // 3
  ok(run("token", "revoke", "app", "--as", "root")); // 4
});

describe("gatehouse audit", () => {
  it("lists records oldest first, filtered, as text or JSON with their hashes", () => {
    const lines = ok(run("audit", "list")).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ {4}1 {2}\S+Z {2}root +schema\.write +- +schema$/);
    expect(lines[1]).toMatch(/^ {4}2 {2}\S+Z {2}ann +change\.propose +acme +change:1 {2}"onboarding"$/);
    expect(lines[3]).toMatch(/^ {4}4 .* root +token\.revoke +- +token:app$/);

    const records = JSON.parse(ok(run("--json", "audit", "list")).stdout);
    expect(records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(records[0]).toMatchObject({
      actor: "root",
      action: "schema.write",
      tenant: null,
      previousHash: null,
      details: { applied: true, version: 1, change: null, gained: 0, lost: 0 },
    });
    expect(records[1]).toMatchObject({ actor: "ann", action: "change.propose", tenant: "acme" });
    // Each record is chained to the one before it on its tenant: 2 is acme's first, 3 and 4
    // follow 1 on the store-wide chain.
    expect(records.map((r: { chainSeq: number }) => r.chainSeq)).toEqual([1, 1, 2, 3]);
    expect(records[1].previousHash).toBeNull();
    expect(records[2].previousHash).toBe(records[0].hash);
    expect(records[3].previousHash).toBe(records[2].hash);
    expect(records[3].hash).toMatch(/^[0-9a-f]{64}$/);

    const seqs = (...args: string[]) =>
      JSON.parse(ok(run("--json", "audit", "list", ...args)).stdout).map((r: { seq: number }) => r.seq);
    expect(seqs("--actor", "root")).toEqual([1, 3, 4]);
    expect(seqs("--action", "token.revoke")).toEqual([4]);
    expect(seqs("--tenant", "acme")).toEqual([2]);
    expect(seqs("--limit", "2")).toEqual([1, 2]);
    expect(seqs("--since", "2000-01-01", "--until", "2000-01-02")).toEqual([]);
    expect(seqs("--since", "2000-01-01T00:00:00Z")).toEqual([1, 2, 3, 4]);
    expect(ok(run("audit", "list", "--actor", "nobody")).stdout).toBe("no audit records\n");
  });

  it("refuses a bad filter: a malformed limit is a usage error, a malformed time bad input", () => {
    const limit = run("audit", "list", "--limit", "0");
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/--limit expects a whole number, 1 or more, got `0`/);
    const since = run("audit", "list", "--since", "yesterday");
    expect(since.code).toBe(3);
    expect(since.stderr).toMatch(/invalid since `yesterday`: expected a UTC time/);
  });

  it("verify exits 0 on an intact log and 1 naming the first bad record", () => {
    expect(ok(run("audit", "verify")).stdout).toBe("audit log intact: 4 records verified\n");
    expect(JSON.parse(ok(run("--json", "audit", "verify")).stdout)).toEqual({ ok: true, checked: 4 });

    tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2");
    const altered = run("audit", "verify");
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(
      /^audit log broken: record 2 \(change\.propose on change:1 by ann at \S+\) was altered: its hash does not match its contents \(1 record before it verified\)\n$/,
    );
    tamper("UPDATE audit_log SET reason = 'onboarding' WHERE seq = 2");
    expect(run("audit", "verify").code).toBe(0);

    tamper("DELETE FROM audit_log WHERE seq = 4");
    const removed = run("--json", "audit", "verify");
    expect(removed.code).toBe(1);
    expect(JSON.parse(removed.stdout)).toEqual({
      ok: false,
      checked: 3,
      firstBad: {
        seq: 4,
        problem: "removed",
        message:
          "record 4 is missing: the store-wide chain ends at record 3, number 2 of the 3 written to it",
      },
    });
  });
});
