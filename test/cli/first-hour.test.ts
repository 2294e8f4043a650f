import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GatehouseClient, GatehouseConnectionError } from "../../src/client/client.js";
import { CLI, gatehouse, workspace } from "../support/cli.js";

const SCHEMA =
  "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}\n";

describe("the first hour: a new user's mistakes get clear answers", () => {
  it("--version prints the version from package.json", () => {
    const result = gatehouse(["--version"]);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"));
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`gatehouse ${version}`);
  });

  it("a read command on a store path that does not exist says so (exit 4) and creates nothing", () => {
    const w = workspace();
    const typo = join(w.dir, "gatehous.db");
    for (const args of [
      ["schema", "read"],
      ["permission", "check", "document:a", "view", "user:ann"],
      ["change", "list"],
      ["audit", "list"],
    ]) {
      const result = gatehouse(["--store", typo, ...args]);
      expect(result.code, args.join(" ")).toBe(4);
      expect(result.stderr).toContain(`there is no store at \`${typo}\``);
      expect(existsSync(typo)).toBe(false);
    }
    // GATEHOUSE_STORE is checked the same way.
    const viaEnv = gatehouse(["schema", "read"], { env: { GATEHOUSE_STORE: typo } });
    expect(viaEnv.code).toBe(4);
    expect(existsSync(typo)).toBe(false);
  });

  it("the commands a new user starts with still create the store", () => {
    const w = workspace();
    const written = gatehouse(["--store", w.store, "schema", "write", w.file("s.zed", SCHEMA)]);
    expect(written.code, written.stderr).toBe(0);
    expect(gatehouse(["--store", w.store, "schema", "read"]).code).toBe(0);
    const other = join(w.dir, "tokens.db");
    expect(gatehouse(["--store", other, "token", "create", "--name", "ops", "--role", "admin"]).code).toBe(0);
    expect(existsSync(other)).toBe(true);
  });

  it("demo honours GATEHOUSE_STORE and only ever replaces a store the demo wrote", () => {
    const w = workspace();
    const demoStore = join(w.dir, "mine.db");
    const made = gatehouse(["demo"], { env: { GATEHOUSE_STORE: demoStore } });
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(demoStore)).toBe(true);
    expect(existsSync(join(process.cwd(), "mine.db"))).toBe(false);
    // Its imports wrote index snapshots, kept also as files beside the store.
    expect(existsSync(join(`${demoStore}.snapshots`, "acme.ghix"))).toBe(true);
    writeFileSync(join(`${demoStore}.snapshots`, "left-over.ghix"), "from the store replaced");
    // A second demo --reset replaces its own store (and the files beside it)...
    expect(gatehouse(["demo", "--reset"], { env: { GATEHOUSE_STORE: demoStore } }).code).toBe(0);
    expect(existsSync(join(`${demoStore}.snapshots`, "left-over.ghix"))).toBe(false);
    // ...but never a store someone else wrote.
    expect(gatehouse(["--store", w.store, "schema", "write", w.file("s.zed", SCHEMA)]).code).toBe(0);
    const refused = gatehouse(["demo", "--reset"], { env: { GATEHOUSE_STORE: w.store } });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("is not a demo store");
    expect(gatehouse(["--store", w.store, "schema", "read"]).stdout).toContain("definition document");
  });

  it("demo --reset refuses to delete a store a running server has open; the banner names the console", async () => {
    const w = workspace();
    expect(gatehouse(["demo", "--store", w.store]).code).toBe(0);
    const server = spawn(process.execPath, [CLI, "--store", w.store, "serve", "--port", "0"], {
      env: { ...process.env, GATEHOUSE_STORE: "", GATEHOUSE_LOG_LEVEL: "warn" },
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let text = "";
        server.stderr.on("data", (chunk) => {
          text += String(chunk);
          if (text.includes("listening on")) resolve(text);
        });
        server.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${text}`)));
      });
      expect(banner).toMatch(/console at http:\/\/127\.0\.0\.1:\d+\/console/);
      const refused = gatehouse(["demo", "--reset", "--store", w.store]);
      expect(refused.code).toBe(5);
      expect(refused.stderr).toContain("is open in a running server");
      expect(existsSync(w.store)).toBe(true);
    } finally {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    // Once the server has stopped, its marker is gone and the demo may replace its store again.
    expect(existsSync(`${w.store}.serving`)).toBe(false);
    expect(gatehouse(["demo", "--reset", "--store", w.store]).code).toBe(0);
  });

  it("the client names the address it could not reach", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const url = `http://127.0.0.1:${port}`;
    const client = new GatehouseClient({ url, token: "x" });
    const error = await client.request("GET", "/v1/tokens").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseConnectionError);
    expect((error as Error).message).toBe(
      `cannot reach Gatehouse at ${url} (ECONNREFUSED): is the server running, and is the address right?`,
    );
  });
});
