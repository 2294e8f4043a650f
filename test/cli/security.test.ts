import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/model/secrets.js";
import { CLI, gatehouse, workspace } from "../support/cli.js";
import { postgresUrlForTest } from "../support/postgres.js";

/** Issue 17 #6 (secrets never printed) and #12 (terminal escapes never echoed), via the real CLI. */

const PASSWORD = "Pw-never-printed_42";
const postgres = await postgresUrlForTest("cli_secrets");
afterAll(() => postgres.drop?.());

/** The test's store URL with a password in it (trust auth: PostgreSQL ignores it). */
const withPassword = (url: string) => {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
};

/** Everything `serve` prints from its start to its stop, with one refused and one good request between. */
async function serveOutput(args: string[], env: Record<string, string> = {}): Promise<string> {
  const server = spawn(process.execPath, [CLI, ...args, "serve", "--port", "0"], {
    env: { ...process.env, GATEHOUSE_STORE: "", GATEHOUSE_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout!.on("data", (chunk) => {
    out += chunk.toString();
  });
  server.stderr!.on("data", (chunk) => {
    out += chunk.toString();
  });
  try {
    for (let i = 0; i < 300 && !/gatehouse listening on/.test(out); i++) {
      if (server.exitCode !== null) throw new Error(`serve exited: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = /gatehouse listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`serve did not start: ${out}`);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/v1/schema`)).status).toBe(401);
  } finally {
    server.kill("SIGTERM");
    if (server.exitCode === null) await once(server, "exit");
  }
  return out;
}

describe.skipIf(postgres.skip)("the PostgreSQL password is never printed (issue 17 #6)", () => {
  const store = () => withPassword(postgres.url!);

  it("serve --store URL: the banner and the logs show the URL without its password", async () => {
    const out = await serveOutput(["--store", store()]);
    expect(out).toContain("gatehouse listening on");
    expect(out).toContain("postgres://postgres:***@127.0.0.1");
    expect(out).not.toContain(PASSWORD);
  }, 60_000);

  it("serve with GATEHOUSE_STORE: the same", async () => {
    const out = await serveOutput([], { GATEHOUSE_STORE: store() });
    expect(out).toContain("postgres://postgres:***@127.0.0.1");
    expect(out).not.toContain(PASSWORD);
  }, 60_000);

  it("serve --workers 2: the primary's banner and every worker's log", async () => {
    const out = await serveOutput(["--store", store()], { GATEHOUSE_WORKERS: "2" });
    expect(out.match(/"msg":"Server listening/g)).toHaveLength(2);
    expect(out).toContain("postgres://postgres:***@127.0.0.1");
    expect(out).not.toContain(PASSWORD);
  }, 90_000);
});

describe("secrets in CLI errors (issue 17 #6)", () => {
  it("a store that cannot be opened is named without its password, in text and JSON", () => {
    for (const location of [
      `postgres://gate:${PASSWORD}@127.0.0.1:1/x`,
      `mysql://gate:${PASSWORD}@db.example/x`,
      `postgres://gate@127.0.0.1:1/x?password=${PASSWORD}`,
    ]) {
      for (const json of [[], ["--json"]]) {
        const result = gatehouse(["--store", location, ...json, "schema", "read"]);
        expect(result.code, result.stderr).not.toBe(0);
        expect(result.stderr).not.toBe("");
        expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      }
    }
    const mysql = gatehouse(["--store", `mysql://gate:${PASSWORD}@db.example/x`, "schema", "read"]);
    expect(mysql.stderr).toContain("mysql://gate:***@db.example/x");
  });

  it("redactSecrets takes passwords from URLs and connection strings, and token secrets", () => {
    expect(redactSecrets("store postgres://app:p%40ss@db:5432/x?schema=s)")).toBe(
      "store postgres://app:***@db:5432/x?schema=s)",
    );
    // A password holding `@` or `/` does not leak its tail.
    expect(redactSecrets("postgres://app:a@b/c@db/x")).toBe("postgres://app:***@db/x");
    expect(redactSecrets('{"msg":"postgresql://u:pw@h/x","n":1}')).toBe(
      '{"msg":"postgresql://u:***@h/x","n":1}',
    );
    expect(redactSecrets("host=db password='a b' user=x")).toBe("host=db password=*** user=x");
    expect(redactSecrets("postgres://u@h/x?sslpassword=k&password=pw&schema=s")).toBe(
      "postgres://u@h/x?sslpassword=***&password=***&schema=s",
    );
    const secret = `gh_${"A".repeat(31)}b`;
    expect(redactSecrets(`bearer ${secret} then`)).toBe("bearer gh_*** then");
    expect(redactSecrets(`bearer ${secret}`, { tokens: false })).toBe(`bearer ${secret}`);
    // Without a password or secret, the text is left as it is.
    for (const plain of ["postgres://postgres@127.0.0.1:5432/test", "http://127.0.0.1:8080/docs", "gh_api_1"])
      expect(redactSecrets(plain)).toBe(plain);
  });
});

/** Raw control characters a terminal acts on (tab and newline are text). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe("terminal escapes are never echoed raw (issue 17 #12)", () => {
  const ws = workspace();
  const run = (...args: string[]) => gatehouse(["--store", ws.store, ...args]);
  const ESC_ID = "doc\x1b]0;pwned\x07\x1b[2J\u009b31m";

  it("an id with escape sequences is shown escaped in errors, text and JSON", () => {
    expect(
      run(
        "schema",
        "write",
        ws.file("s.zed", "definition user {}\ndefinition document {\n  relation viewer: user\n}\n"),
      ).code,
    ).toBe(0);
    for (const args of [
      ["permission", "check", `document:${ESC_ID}`, "viewer", "user:ann"],
      ["relationship", "create", "document:d", "viewer", `user:${ESC_ID}`],
      [`--${ESC_ID}`],
    ]) {
      for (const json of [[], ["--json"]]) {
        const result = run(...json, ...args);
        expect(result.code, result.stderr).not.toBe(0);
        expect(result.stdout + result.stderr).not.toMatch(RAW_CONTROLS);
        // A relationship's `[` opens its caveat or expiration (SpiceDB's syntax), so `relationship
        // create` names the id up to it; the check names all of it. Both escaped.
        if (json.length === 0 && args.length > 1)
          expect(result.stderr).toContain(
            args[0] === "relationship" ? "doc\\x1b]0;pwned\\x07\\x1b`" : "doc\\x1b]0;pwned\\x07\\x1b[2J",
          );
      }
    }
  });

  it("a reason with escape sequences is shown escaped in normal output", () => {
    const file = ws.file(
      "change.yaml",
      `intent: grant\nreason: "fine\\e]2;owned\\a\\e[1A\\u009b2K"\nwrite:\n  - document:d#viewer@user:ann\n`,
    );
    const proposed = run("--tenant", "acme", "--as", "ann", "change", "propose", file);
    expect(proposed.code, proposed.stderr).toBe(0);
    for (const json of [[], ["--json"]]) {
      const shown = run(...json, "change", "show", "1");
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).not.toMatch(RAW_CONTROLS);
      expect(shown.stdout).toContain(json.length ? "\\u001b]2;owned" : "fine\\x1b]2;owned\\x07");
      if (json.length) expect(JSON.parse(shown.stdout).reason).toBe("fine\x1b]2;owned\x07\x1b[1A\u009b2K");
    }
  });

  it("a binary validation file gives one clear error, not its bytes", () => {
    const path = join(ws.dir, "binary.yaml");
    const bytes = Buffer.alloc(512);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) % 256;
    writeFileSync(path, bytes);
    const result = run("validate", path);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`\`${path}\` is not a text file`);
    expect(result.stderr).toContain("expected a validation file (YAML)");
    expect(result.stderr).not.toMatch(RAW_CONTROLS);
    expect(result.stderr.split("\n").length).toBeLessThan(4);
    // Invalid UTF-8 without a NUL, as a schema file.
    const latin = ws.file("latin.zed", "");
    writeFileSync(latin, Buffer.from([0x64, 0x65, 0x66, 0xe9, 0x1b, 0x5b, 0x32, 0x4a]));
    const schema = run("schema", "write", latin);
    expect(schema.code).toBe(3);
    expect(schema.stderr).toContain("its bytes are not UTF-8");
    expect(schema.stderr).not.toMatch(RAW_CONTROLS);
  });
});
