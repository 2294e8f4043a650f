import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import {
  CLI,
  type CliResult,
  createTokenSecret,
  gatehouse,
  gatehouseAsync,
  workspace,
} from "../support/cli.js";

/**
 * The CLI against a server: a real `gatehouse serve` process, and the same commands run on a
 * local store and through the server with --server/--token (or the environment, or a named
 * context). Both stores start alike and take the same steps, so each step must print the same
 * text, JSON and errors and exit with the same code in both modes.
 */

const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition document {
  relation viewer: user | group#member
  relation editor: user
  permission view = viewer + editor
}
`;

async function startServer(store: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "--store", store, "serve", "--port", "0", "--no-grpc"], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn", GATEHOUSE_STORE: "", GATEHOUSE_SERVER: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  // A deadline, not a count of polls: on a loaded 2-core machine (CI runs test files side by
  // side) a server's start-up has taken past 15 s, and this set-up then failed on time alone.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(stderr);
    if (match) return { process: child, url: match[1]! };
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start: ${stderr}`);
}

/** Times, durations and plan ids (random) differ by nature; nothing else may. */
function steady(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/\(\d+\.\d s\)/g, "(<seconds>)")
    .replace(/\b[0-9a-f]{16}\b/g, "<plan id>");
}

/** A revision's door (`cli`, `http`) and HTTP request id, in text and JSON, made alike. */
function byDoor(text: string): string {
  return text
    .replace(/"door": "(cli|http)"/g, '"door": "<door>"')
    .replace(/"requestId": (null|"[0-9a-f-]{36}")/g, '"requestId": "<request>"')
    .replace(/request id: (-|[0-9a-f-]{36})/g, "request id: <request>")
    .replace(/(door: +)(cli|http)$/gm, "$1<door>")
    .replace(/ [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "")
    .replace(/\b(cli|http)\b +/g, "<door> ");
}

// Every step spawns the CLI twice; on a busy 2-core machine a spawn takes a second or two.
describe("the CLI against a server", { timeout: 600_000 }, () => {
  const local = workspace();
  const remote = workspace();
  const config = mkdtempSync(join(tmpdir(), "gatehouse-config-"));
  let server: { process: ChildProcess; url: string };
  const secrets: Record<string, string> = {};
  const env = { GATEHOUSE_CONFIG_DIR: config, GATEHOUSE_SERVER: "", GATEHOUSE_TOKEN: "" };

  const files = {
    schema: "schema.zed",
    rels: "rels.txt",
    checks: "checks.txt",
    badChecks: "bad-checks.txt",
    change: "change.yaml",
    badGuards: "guards.yaml",
  };
  const texts: Record<string, string> = {
    [files.schema]: SCHEMA,
    [files.rels]: "document:b#viewer@user:bob\ndocument:c#editor@user:cy\ngroup:eng#member@user:dee\n",
    [files.checks]: "document:a#view@user:ann\ndocument:b#view@user:ann\ndocument:c#view@user:cy\n",
    [files.badChecks]: "document:a#view@user:ann\nfolder:x#view@user:ann\n",
    [files.change]: "intent: revoke\nreason: ann leaves\ndelete:\n  - document:a#viewer@user:ann\n",
    [files.badGuards]: "guards:\n  - name: g\n    kind: max-los\n    subjects: 3\n",
  };

  const localPath = (a: string) => (a in texts ? join(local.dir, a) : a);
  /** One step in local mode (as `actor`), in the local workspace, where its files are. */
  const localRun = (actor: string, args: string[]) => ({
    args: ["--store", local.store, "--as", actor, ...args.map(localPath)],
    env,
  });
  /** The same step through the server, with the flags or (`viaEnv`) the environment. */
  const serverRun = (actor: string, args: string[], viaEnv = false) =>
    viaEnv
      ? {
          args: args.map(localPath),
          env: { ...env, GATEHOUSE_SERVER: server.url, GATEHOUSE_TOKEN: secrets[actor]! },
        }
      : { args: ["--server", server.url, "--token", secrets[actor]!, ...args.map(localPath)], env };
  const run = (step: { args: string[]; env: Record<string, string> }): CliResult =>
    gatehouse(step.args, { env: step.env });
  const onLocal = (actor: string, args: string[]): CliResult => run(localRun(actor, args));
  const onServer = (actor: string, args: string[], viaEnv = false): CliResult =>
    run(serverRun(actor, args, viaEnv));

  beforeAll(async () => {
    for (const [name, text] of Object.entries(texts)) local.file(name, text);
    // Both stores get the same tokens (an audit record each, no revision): ops, a reviewer, and
    // one that may only check (a write through it is refused with 403, not 401).
    for (const store of [local.store, remote.store]) {
      for (const [name, role] of [
        ["ops", "admin"],
        ["rev", "admin"],
        ["viewer", "check"],
      ] as const) {
        const secret = createTokenSecret(store, name, role);
        if (store === remote.store) secrets[name] = secret;
      }
    }
    server = await startServer(remote.store);
  }, 180_000);

  afterAll(async () => {
    if (server?.process.exitCode === null) {
      server.process.kill("SIGTERM");
      await once(server.process, "exit");
    }
  });

  /** `onLocal` and `onServer` side by side: the two stores are independent. */
  const bothModes = (actor: string, args: string[], viaEnv: boolean): Promise<[CliResult, CliResult]> =>
    Promise.all(
      [localRun(actor, args), serverRun(actor, args, viaEnv)].map((step) =>
        gatehouseAsync(step.args, { env: step.env }),
      ) as [Promise<CliResult>, Promise<CliResult>],
    );

  /** One step in both modes: the same exit code, stdout and stderr (times aside). */
  const same = async (actor: string, args: string[], expected: number, viaEnv = false) => {
    const [here, there] = await bothModes(actor, args, viaEnv);
    // A revision records the door its write came through, and the HTTP request: the one
    // thing a revision's record says differently by nature.
    const norm = args.includes("revision") ? (t: string) => byDoor(steady(t)) : steady;
    expect({ code: there.code, stdout: norm(there.stdout), stderr: norm(there.stderr) }).toEqual({
      code: here.code,
      stdout: norm(here.stdout),
      stderr: norm(here.stderr),
    });
    expect(here.code).toBe(expected);
    return here;
  };

  it("prints the same and exits the same, step by step, as on a local store", async () => {
    await same("ops", ["schema", "write", files.schema], EXIT.ok);
    await same("ops", ["schema", "read"], EXIT.ok, true);
    await same("ops", ["--json", "schema", "read"], EXIT.ok);
    await same("ops", ["relationship", "create", "document:a", "viewer", "user:ann"], EXIT.ok);
    await same("ops", ["relationship", "create", "document:a", "viewer", "user:ann"], EXIT.conflict);
    await same("ops", ["import", files.rels], EXIT.ok, true);
    await same("ops", ["--json", "import", files.rels], EXIT.ok);
    await same("ops", ["relationship", "read"], EXIT.ok);
    await same("ops", ["--json", "relationship", "read", "document"], EXIT.ok, true);
    await same("ops", ["relationship", "read", "--at-revision", "2"], EXIT.ok);
    await same("ops", ["permission", "check", "document:a", "view", "user:ann"], EXIT.ok);
    await same(
      "ops",
      ["permission", "check", "document:b", "view", "user:ann", "--fail-on-deny"],
      EXIT.negative,
    );
    await same(
      "ops",
      ["--json", "permission", "check", "document:a", "view", "user:ann", "--explain"],
      EXIT.ok,
    );
    await same("ops", ["permission", "check", "--batch", files.checks], EXIT.ok, true);
    await same(
      "ops",
      ["--json", "permission", "check", "--batch", files.checks, "--fail-on-deny"],
      EXIT.negative,
    );
    const bad = await same("ops", ["permission", "check", "--batch", files.badChecks], EXIT.input);
    expect(bad.stderr).toContain("bad-checks.txt:2");
    await same("ops", ["permission", "lookup-resources", "document", "view", "user:bob"], EXIT.ok);
    await same("ops", ["--json", "permission", "lookup-subjects", "document:b", "view", "user"], EXIT.ok);
    await same("ops", ["permission", "lookup-subjects", "document:a", "view", "group#member"], EXIT.ok);
    await same(
      "ops",
      ["permission", "check", "document:a", "view", "user:ann", "--at-least", "99"],
      EXIT.notFound,
    );
    await same("ops", ["relationship", "delete", "document:c", "editor", "user:cy"], EXIT.ok);
    await same("ops", ["change", "propose", files.change], EXIT.ok);
    await same("ops", ["change", "plan", "1"], EXIT.refused, true);
    await same("ops", ["change", "approve", "1"], EXIT.refused);
    await same("rev", ["change", "approve", "1"], EXIT.ok);
    await same("ops", ["--json", "change", "apply", "1"], EXIT.ok);
    await same("ops", ["change", "apply", "1"], EXIT.conflict);
    await same("ops", ["change", "revert", "1"], EXIT.ok);
    await same("ops", ["change", "list"], EXIT.ok);
    await same("ops", ["change", "show", "1"], EXIT.ok);
    await same("ops", ["change", "plan", "99"], EXIT.notFound);
    await same("ops", ["audit", "list", "--action", "change.apply"], EXIT.ok);
    await same("ops", ["audit", "verify"], EXIT.ok);
    await same("ops", ["relationship", "bulk-delete", "document", "viewer"], EXIT.ok);
    await same("ops", ["schema", "write", "-"], EXIT.input);
    await same("ops", ["guards", "read"], EXIT.ok);
    await same("ops", ["guards", "write", files.badGuards], EXIT.input);
    await same("ops", ["--json", "retention", "show"], EXIT.ok);
    await same("ops", ["token", "list"], EXIT.ok);
    await same("ops", ["subject", "delete", "user:dee", "--reason", "left"], EXIT.ok);
    await same("ops", ["subject", "merge", "user:dee", "user:ann"], EXIT.ok);
    await same("ops", ["revision", "show", "2"], EXIT.ok);
    await same("ops", ["--json", "revision", "list", "--limit", "3"], EXIT.ok);
    await same("ops", ["restore", "--to-revision", "2", "document"], EXIT.ok);
  });

  it("refuses a wrong token with the exit code of a local permission error, and says what to check", () => {
    const refused = gatehouse(["--server", server.url, "--token", "gh_wrong", "schema", "read"], { env });
    // A local permission error: the author of a change approving it.
    const grant = local.file(
      "grant.yaml",
      "intent: grant\nreason: zed joins\nwrite:\n  - document:z#viewer@user:zed\n",
    );
    const proposed = onLocal("ops", ["change", "propose", grant]);
    const id = proposed.stdout.split("\n")[0]!;
    onLocal("ops", ["change", "plan", id]);
    expect(onLocal("ops", ["change", "approve", id]).code).toBe(EXIT.refused);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stdout).toBe("");
    const forbidden = onServer("viewer", ["relationship", "touch", "document:a", "viewer", "user:ann"]);
    expect(forbidden.code).toBe(EXIT.refused);
    expect(forbidden.stderr).toBe(
      `error: the server at ${server.url} refused the token: token \`viewer\` has role \`check\`; this needs \`write\`\n`,
    );
    expect(refused.stderr).toBe(
      `error: the server at ${server.url} did not accept the token (unknown or revoked token): check --token, GATEHOUSE_TOKEN or the context (\`gatehouse context list\`)\n`,
    );
  });

  it("names the address of a server it cannot reach", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const unreachable = `http://127.0.0.1:${port}`;
    const result = gatehouse(["--server", unreachable, "--token", "x", "schema", "read"], { env });
    expect(result.code).toBe(EXIT.unavailable);
    expect(result.stderr).toBe(
      `error: cannot reach Gatehouse at ${unreachable} (ECONNREFUSED): is the server running, and is the address right?\n`,
    );
  });

  it("refuses what runs on a local store only, before it touches anything", () => {
    const result = gatehouse(["--server", server.url, "--token", secrets.ops!, "rollout", "status"], { env });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toBe(
      "error: `gatehouse rollout status` runs on a local store only, and a server is given (--server): run it with --store PATH on the store's machine, or leave out --server\n",
    );
    const served = gatehouse(["serve", "--port", "0"], {
      env: { ...env, GATEHOUSE_SERVER: server.url, GATEHOUSE_TOKEN: secrets.ops! },
    });
    expect(served.code).toBe(EXIT.usage);
    expect(served.stderr).toContain("`gatehouse serve` runs on a local store only");
    expect(served.stderr).toContain("(GATEHOUSE_SERVER)");
  });

  it("asks for a token, a proper address, and one of --server and --store", () => {
    expect(gatehouse(["--server", server.url, "schema", "read"], { env }).stderr).toBe(
      "error: a server is given (--server) but no token: pass --token SECRET or set GATEHOUSE_TOKEN (a token is made with `gatehouse token create` on the server's store)\n",
    );
    const ftp = gatehouse(["--server", "ftp://x", "--token", "t", "schema", "read"], { env });
    expect(ftp.code).toBe(EXIT.usage);
    expect(ftp.stderr).toBe(
      "error: --server expects a server address such as `http://127.0.0.1:8080`, got `ftp://x`\n",
    );
    const as = gatehouse(["--server", server.url, "--token", "t", "--as", "bob", "schema", "read"], { env });
    expect(as.code).toBe(EXIT.usage);
    expect(as.stderr).toBe(
      "error: --as names the actor on a local store; through a server (--server) the token's name acts: use that person's token\n",
    );
    const both = gatehouse(["--server", server.url, "--store", local.store, "schema", "read"], { env });
    expect(both.code).toBe(EXIT.usage);
    expect(both.stderr).toBe(
      "error: --server and --store both given: a command runs either through a server or on a local store\n",
    );
  });

  it("keeps named contexts readable by the user only, and runs through the current one", () => {
    const set = gatehouse(["--server", server.url, "--token", secrets.ops!, "context", "set", "prod"], {
      env,
    });
    expect(set.code).toBe(EXIT.ok);
    expect(set.stdout).toBe(`context \`prod\` set to ${server.url} (current)\n`);
    const file = join(config, "contexts.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).contexts.prod.token).toBe(secrets.ops);

    const list = gatehouse(["context", "list"], { env });
    expect(list.stdout).toBe(`* prod             ${server.url}\n`);
    expect(list.stdout).not.toContain(secrets.ops!);

    // The current context is used; --store still runs on a local store.
    const viaContext = gatehouse(["schema", "read"], { env });
    expect(viaContext).toEqual(onServer("ops", ["schema", "read"]));
    expect(gatehouse(["--store", local.store, "schema", "read"], { env }).code).toBe(EXIT.ok);
    expect(gatehouse(["rollout", "status"], { env }).stderr).toContain("a server is given (context `prod`)");

    const missing = gatehouse(["--context", "staging", "schema", "read"], { env });
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain("there is no context `staging`");

    expect(gatehouse(["context", "use", "--none"], { env }).stdout).toBe(
      "no current context: commands run on the local store\n",
    );
    const fresh = workspace();
    const offline = gatehouse(["schema", "read"], { env: { ...env, GATEHOUSE_STORE: fresh.store } });
    expect(offline.stderr).not.toContain("server");
    expect(gatehouse(["context", "remove", "prod"], { env }).stdout).toBe("context `prod` removed\n");
    expect(gatehouse(["context", "use", "prod"], { env }).code).toBe(EXIT.notFound);
  });
});
