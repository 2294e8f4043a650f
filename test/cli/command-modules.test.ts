import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMAND_MODULES, modulesFor } from "../../src/cli/command-modules.js";
import { buildProgram } from "../../src/cli/program.js";
import { gatehouse, workspace } from "../support/cli.js";

/** The top-level commands a module adds, as Commander has them. */
async function added(module: (typeof COMMAND_MODULES)[number]): Promise<string[]> {
  const program = new Command("gatehouse");
  (await module.load())(program, () => ({}));
  return program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
}

/** The names of the top-level commands of the modules a command line loads. */
async function loadedFor(args: string[]): Promise<string[]> {
  const program = await buildProgram(["--version"]); // the program's own options, no command
  return modulesFor(program, args).flatMap((module) => module.names);
}

const EVERY = COMMAND_MODULES.flatMap((module) => module.names);

describe("commands are loaded by the word that names them", () => {
  it("each module adds exactly the commands its entry names, so a command is never missing", async () => {
    for (const module of COMMAND_MODULES) expect(await added(module)).toEqual(module.names);
  });

  it("the whole program (help, a typo) has every command, in the order help lists them", async () => {
    const program = await buildProgram([]);
    expect(program.commands.map((command) => command.name())).toEqual(EVERY);
    expect(EVERY).toContain("guards");
    expect(new Set(EVERY).size).toBe(EVERY.length);
  });

  it("loads only the module of the command that runs", async () => {
    expect(await loadedFor(["permission", "check", "document:a", "view", "user:b"])).toEqual(["permission"]);
    expect(await loadedFor(["guards", "read"])).toEqual(["change", "restore", "guards"]);
    const program = await buildProgram(["--json", "schema", "read"]);
    expect(program.commands.map((command) => command.name())).toEqual(["schema"]);
  });

  it("reads the program's options as Commander does: a value is not the command", async () => {
    // `--tenant permission` names a tenant called permission; the command is `schema`.
    expect(await loadedFor(["--tenant", "permission", "schema", "read"])).toEqual(["schema"]);
    expect(await loadedFor(["--store=permission", "--json", "schema", "read"])).toEqual(["schema"]);
    expect(await loadedFor(["--as", "ann", "--server", "http://x", "--token", "t", "token", "list"])).toEqual(
      ["token"],
    );
    // The value of `--tenant` is `--version` here, so the version is not what runs.
    expect(await loadedFor(["--tenant", "--version"])).toEqual(EVERY);
  });

  it("loads no command for --version and every one whenever the line is less certain", async () => {
    expect(await loadedFor(["--version"])).toEqual([]);
    expect(await loadedFor(["--store", "x.db", "-V"])).toEqual([]);
    for (const args of [
      [],
      ["--help"],
      ["-h", "permission"],
      ["help", "permission"],
      ["permision", "check"],
      ["--explain", "permission", "check"],
      ["--", "permission"],
      ["--json"],
      ["-"],
    ])
      expect(await loadedFor(args), args.join(" ")).toEqual(EVERY);
  });

  it("runs a command named after an option's value, and suggests among every command", () => {
    const { store } = workspace();
    const named = gatehouse(["--store", store, "--tenant", "permission", "schema", "read"]);
    expect(named.stderr).toContain("there is no store at");
    const typo = gatehouse(["--store", store, "permision", "check"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("(Did you mean permission?)");
  });
});
