import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatehouse, workspace } from "../support/cli.js";
import { postgresUrlForTest } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server.js";

const postgres = await postgresUrlForTest("shadowprocs");

/**
 * Shadow state and counts live in the store: a session started by the `gatehouse` command is
 * seen by a server already running in another process, and the checks each of them answers add
 * up in one report. (Runs the built CLI: `npm run build` first.)
 */
const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  relation editor: user
  permission view = viewer + editor
  permission edit = editor
}
`;
const STRICTER = SCHEMA.replace("permission view = viewer + editor", "permission view = editor");
const DATA = ["document:a#viewer@user:ann", "document:a#editor@user:bob", "document:b#viewer@user:cat"];

async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  ms = 5_000,
) {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, waited: Date.now() - start };
    if (Date.now() - start > ms)
      throw new Error(`waited ${ms} ms for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stores: Array<[string, () => { url: string; drop?: () => Promise<void> }]> = [
  ["a SQLite file", () => ({ url: workspace().store })],
];
if (!postgres.skip) stores.push(["PostgreSQL", () => ({ url: postgres.url!, drop: () => postgres.drop!() })]);

describe.each(stores)("shadow across processes on %s", (_name, target) => {
  const ws = workspace();
  let store: string;
  let drop: (() => Promise<void>) | undefined;
  let s: RunningServer;
  let token: string;
  const cli = (...args: string[]) => gatehouse(["--store", store, "--as", "lead", ...args]);
  const must = (...args: string[]) => {
    const r = cli(...args);
    if (r.code !== 0) throw new Error(`gatehouse ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  let changeId: number;

  beforeAll(async () => {
    const t = target();
    store = t.url;
    drop = t.drop;
    must("schema", "write", ws.file("schema.zed", SCHEMA));
    must("import", ws.file("data.txt", DATA.join("\n")));
    changeId = Number(
      must(
        "change",
        "propose",
        ws.file(
          "c.yaml",
          `intent: model\nreason: stricter view\nschema: |\n${STRICTER.replace(/^/gm, "  ")}\n`,
        ),
      ).split("\n")[0],
    );
    s = await startServer(store);
    token = await s.token("svc", "check");
  });
  afterAll(async () => {
    await s?.close();
    await drop?.();
  });

  it("a start through the CLI reaches the running server within about a second, and counts of both add up", async () => {
    expect(s.gatehouse.shadow.running).toBeUndefined();
    const started = JSON.parse(must("--json", "shadow", "start", String(changeId)));
    expect(started).toMatchObject({ candidate: { change: changeId }, running: true, startedBy: "lead" });
    const seen = await eventually(
      "the server to see the session",
      () => s.gatehouse.shadow.running?.id,
      (id) => id === started.session,
    );
    expect(seen.waited).toBeLessThan(2_500);

    // The server answers 4 checks, 2 of which (ann views a) the candidate would block.
    for (const [resource, permission, subject] of [
      ["document:a", "view", "user:ann"],
      ["document:a", "view", "user:ann"],
      ["document:a", "view", "user:bob"],
      ["document:a", "edit", "user:bob"],
    ] as const) {
      const r = await s.call("POST", "/v1/tenants/default/check", {
        token,
        body: { resource, permission, subject },
      });
      expect(r.status).toBe(200);
    }
    // The CLI answers 3 more in its own process: cat views b (blocked), ann views a (blocked), and one unchanged.
    const answers = gatehouse(["--store", store, "permission", "check", "--batch", "-"], {
      input: "document:b#view@user:cat\ndocument:a#view@user:ann\ndocument:b#edit@user:cat\n",
    });
    expect(answers.stdout.trim().split("\n")).toEqual(["true", "true", "false"]);

    // The server adds its counts to the store within a second; a later CLI report sees both.
    const report = await eventually(
      "both processes' counts in the store",
      () => JSON.parse(must("--json", "shadow", "report")),
      (r) => r.checks === 7,
    );
    expect(report.value).toMatchObject({
      checks: 7,
      wouldBlock: 4,
      wouldAllow: 0,
      running: true,
      truncated: false,
    });
    expect(report.value.divergences).toEqual([
      {
        tenant: "default",
        resource: "document:a",
        permission: "view",
        subject: "user:ann",
        active: true,
        candidate: false,
        count: 3,
      },
      {
        tenant: "default",
        resource: "document:b",
        permission: "view",
        subject: "user:cat",
        active: true,
        candidate: false,
        count: 1,
      },
    ]);
    const human = must("shadow", "report");
    expect(human).toContain("4 checks would be BLOCKED");
    expect(human).toContain("user:ann on document:a (3 times)");

    // A stop through the CLI reaches the server too; its checks are no longer counted.
    must("shadow", "stop", "--reason", "done");
    await eventually(
      "the server to see the stop",
      () => s.gatehouse.shadow.running,
      (r) => r === undefined,
    );
    await s.call("POST", "/v1/tenants/default/check", {
      token,
      body: { resource: "document:a", permission: "view", subject: "user:ann" },
    });
    // Reading the report needs the approve role (issue 17 #11); `svc` only checks.
    const lead = await s.token("lead", "approve");
    expect((await s.call("GET", "/v1/shadow", { token: lead })).body).toMatchObject({
      checks: 7,
      running: false,
    });
  });

  it("refuses bad input with a clear message and the documented exit codes", () => {
    expect(cli("shadow", "start", "abc").code).toBe(2);
    const grant = Number(
      must(
        "change",
        "propose",
        ws.file("g.yaml", "intent: grant\nreason: r\nwrite:\n  - document:c#viewer@user:dan\n"),
      ).split("\n")[0],
    );
    const notModel = cli("shadow", "start", String(grant));
    expect(notModel.code).toBe(3);
    expect(notModel.stderr).toContain(`change ${grant} is not a model change`);
    expect(cli("shadow", "start", "999").code).toBe(4);
    expect(cli("shadow", "stop").code).toBe(4);
    expect(cli("shadow", "report", "--session", "99").code).toBe(4);
    const badSince = cli("replay", String(changeId), "--since", "yesterday");
    expect(badSince.code).toBe(3);
    expect(badSince.stderr).toContain("invalid since `yesterday`: expected a duration such as `30m`");
    expect(cli("replay", "999").code).toBe(4);
  });
});
