import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI, gatehouse, workspace } from "../support/cli.js";

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}
`;

/**
 * Runs the built CLI with a module hook that writes down every module it loads, and answers the
 * command's output and the built modules it loaded (`changes/guards.js`), in load order.
 */
function loadedModules(dir: string, args: readonly string[]): { stdout: string; modules: string[] } {
  const log = join(dir, "loaded.txt");
  writeFileSync(log, "");
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  appendFileSync(log, url + "\\n");
  return next(url, context);
}
`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(
    register,
    `import { register } from "node:module";
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: ${JSON.stringify(log)} } });
`,
  );
  const result = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, GATEHOUSE_STORE: "", GATEHOUSE_TENANT: "" },
  });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  const built = `${pathToFileURL(join(CLI, "../..")).href}/`;
  const modules = readFileSync(log, "utf8")
    .split("\n")
    .filter((url) => url.startsWith(built))
    .map((url) => url.slice(built.length));
  return { stdout: result.stdout, modules };
}

describe("a cold `permission check` loads only what answers it", () => {
  it("loads none of the change machinery, which a write through the same Gatehouse does load", () => {
    const ws = workspace();
    const run = (...args: string[]) => gatehouse(["--store", ws.store, "--tenant", "acme", ...args]);
    expect(run("schema", "write", ws.file("schema.zed", SCHEMA)).code).toBe(0);
    expect(run("relationship", "create", "document:d1", "viewer", "user:ann").code).toBe(0);

    const check = loadedModules(ws.dir, [
      "--store",
      ws.store,
      "--tenant",
      "acme",
      "permission",
      "check",
      "document:d1",
      "view",
      "user:ann",
    ]);
    expect(check.stdout).toBe("true\n");
    expect(check.modules).toContain("service/gatehouse.js");
    expect(check.modules.filter((module) => module.startsWith("changes/"))).toEqual([]);
    for (const module of ["rollout/replay.js", "rollout/rollout-incident.js", "rollout/duration.js"])
      expect(check.modules).not.toContain(module);

    // The hook sees what is loaded at first use: a direct write loads the guards it is held to.
    const write = loadedModules(ws.dir, [
      "--store",
      ws.store,
      "--tenant",
      "acme",
      "relationship",
      "create",
      "document:d2",
      "viewer",
      "user:bob",
    ]);
    expect(write.modules).toContain("changes/guards.js");
    expect(run("permission", "check", "document:d2", "view", "user:bob").stdout).toBe("true\n");
  });
});
