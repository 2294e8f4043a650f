import { spawn } from "node:child_process";
import { once } from "node:events";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, gatehouse, workspace } from "../support/cli.js";

/**
 * `gatehouse decisions list`, `incident report` in Markdown, and the decision log's settings
 * from the environment: each command is its own process, so these show that a check answered by
 * one `gatehouse` process is in the store when the next one looks.
 */
const ws = workspace();
const run = (args: string[], env: Record<string, string> = {}) =>
  gatehouse(["--store", ws.store, ...args], { env });

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}
`;

describe("gatehouse decisions and incident report", () => {
  let change = 0;

  beforeAll(() => {
    expect(run(["schema", "write", ws.file("schema.zed", SCHEMA)]).code).toBe(0);
    expect(
      run(["--tenant", "acme", "import", ws.file("data.txt", "document:a#viewer@user:ann\n")]).code,
    ).toBe(0);
    change = Number(
      run([
        "--tenant",
        "acme",
        "--as",
        "dev",
        "change",
        "propose",
        ws.file("grant.yaml", "intent: grant\nreason: bob helps\nwrite:\n  - document:a#viewer@user:bob\n"),
      ]).stdout.split("\n")[0],
    );
    expect(run(["--as", "dev", "change", "plan", String(change)]).code).toBe(0);
    expect(run(["--as", "dev", "change", "apply", String(change)]).code).toBe(0);
    for (const subject of ["user:ann", "user:bob", "user:cat"])
      run(["--tenant", "acme", "permission", "check", "document:a", "view", subject]);
    // Not recorded: the log is off for this process.
    run(["--tenant", "acme", "permission", "check", "document:a", "view", "user:dan"], {
      GATEHOUSE_DECISION_SAMPLE: "off",
    });
  });

  it("lists the recorded checks of every process, filtered", () => {
    const all = run(["--json", "decisions", "list"]);
    expect(all.code).toBe(0);
    const records = JSON.parse(all.stdout) as Array<{
      subject: { id: string };
      allowed: boolean;
      revision: number;
    }>;
    expect(records.map((r) => `${r.subject.id} ${r.allowed}`)).toEqual(["ann true", "bob true", "cat false"]);
    const denied = run(["--tenant", "acme", "decisions", "list", "--result", "denied"]);
    expect(denied.stdout).toContain("denied   document:a#view@user:cat");
    expect(denied.stdout.trim().split("\n")).toHaveLength(1);
    expect(run(["--tenant", "globex", "decisions", "list"]).stdout).toBe("no recorded decisions\n");
    expect(
      JSON.parse(run(["--json", "decisions", "list", "--subject", "user:bob", "--limit", "1"]).stdout),
    ).toHaveLength(1);
  });

  it("takes --since and --until as a time or as a duration ago, as replay does", () => {
    const count = (args: string[], env: Record<string, string> = {}) =>
      (JSON.parse(run(["--json", "decisions", "list", ...args], env).stdout) as unknown[]).length;
    expect(count(["--since", "1h"])).toBe(3);
    expect(count(["--until", "1h"])).toBe(0);
    // With the clock a day ahead, the checks were answered more than an hour ago.
    const tomorrow = { GATEHOUSE_NOW: new Date(Date.now() + 86_400_000).toISOString() };
    expect(count(["--since", "1h"], tomorrow)).toBe(0);
    expect(count(["--since", "2d"], tomorrow)).toBe(3);
    const audit = JSON.parse(run(["--json", "audit", "list", "--since", "1d"]).stdout) as unknown[];
    expect(audit.length).toBeGreaterThan(0);
    const bad = run(["decisions", "list", "--since", "0h"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("invalid since `0h`");
  });

  it("refuses bad filters and settings, naming them", () => {
    const result = run(["decisions", "list", "--result", "maybe"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("invalid result `maybe`");
    const range = run(["decisions", "list", "--from-revision", "5", "--to-revision", "2"]);
    expect(range.code).toBe(3);
    expect(range.stderr).toContain("invalid revision range 5..2");
    const sample = run(["decisions", "list"], { GATEHOUSE_DECISION_SAMPLE: "most" });
    expect(sample.code).toBe(2);
    expect(sample.stderr).toContain("decision sample expects a fraction from 0 to 1");
    const retention = run(["decisions", "list"], { GATEHOUSE_DECISION_RETENTION: "forever" });
    expect(retention.code).toBe(2);
    expect(retention.stderr).toContain("decision retention expects a number of days");
  });

  it("prints the incident report as Markdown for people, and refuses what it cannot report on", () => {
    const report = run(["incident", "report", "--change", String(change)]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`# Incident report: change ${change} (grant)`);
    expect(report.stdout).toContain("and is still live");
    expect(report.stdout).toContain("| `user:bob` | view | `document:a` | 1 |");
    expect(report.stdout).not.toContain("user:ann` | view");
    expect(run(["incident", "report", "--change", "77"]).code).toBe(4);
    expect(run(["incident", "report", "--from-revision", "3", "--to-revision", "1"]).code).toBe(3);
    expect(run(["incident", "report"]).code).toBe(2);
    expect(run(["incident", "report", "--change", "1", "--to-revision", "2"]).code).toBe(2);
  });

  it("a server writes the checks it answered before it exits on SIGTERM, sampled as configured", async () => {
    const secret = JSON.parse(
      run(["--json", "token", "create", "--name", "app", "--role", "check"]).stdout,
    ).secret;
    // Stopped right after answering, within the log's one-second flush interval: the shutdown writes them.
    const child = spawn(
      process.execPath,
      [CLI, "--store", ws.store, "serve", "--port", "0", "--decision-sample", "1"],
      {
        env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn", GATEHOUSE_STORE: "", GATEHOUSE_TENANT: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk.toString();
    });
    let url = "";
    for (let i = 0; i < 100 && url === ""; i++) {
      url = /listening on (http:\/\/[^\s]+)/.exec(stderr)?.[1] ?? "";
      if (url === "") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url).not.toBe("");
    const response = await fetch(`${url}/v1/tenants/acme/checks`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        checks: [
          { resource: "document:a", permission: "view", subject: "user:eve" },
          { resource: "document:a", permission: "view", subject: "user:fay" },
        ],
      }),
    });
    expect(response.status).toBe(200);
    child.kill("SIGTERM");
    await once(child, "exit");
    const listed = JSON.parse(run(["--json", "decisions", "list", "--result", "denied"]).stdout) as Array<{
      subject: { id: string };
    }>;
    expect(listed.map((d) => d.subject.id)).toEqual(["cat", "eve", "fay"]);
  });
});
