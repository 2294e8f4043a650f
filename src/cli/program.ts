import { Command, CommanderError } from "commander";
import { GatehouseError } from "../model/errors.js";
import { modulesFor } from "./command-modules.js";
import type { GlobalOptions } from "./context.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { formatError, forTerminal } from "./output.js";
import { refuseRemoteIfLocalOnly } from "./server-target.js";
import { STORE_CREATING_COMMANDS } from "./store-presence.js";
import { packageVersion } from "./version.js";

/**
 * `gatehouse`: shaped like SpiceDB's `zed` where the same command exists. Every command is a
 * thin translation from arguments to a `Gatehouse` operation and back to text or JSON. Only the
 * commands that `args` runs are added (see `command-modules.ts`).
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command("gatehouse")
    .description("Authorization with every permission change planned, reviewed and reversible")
    .option("--store <location>", "store: a SQLite file path (env GATEHOUSE_STORE; default ./gatehouse.db)")
    .option("--tenant <name>", "tenant (env GATEHOUSE_TENANT; default `default`)")
    .option("--as <principal>", "the acting principal for local use (env GATEHOUSE_ACTOR)")
    .option("--json", "print results as JSON")
    .option(
      "--server <url>",
      "run the command through a Gatehouse server's HTTP API (env GATEHOUSE_SERVER; or `gatehouse context use`)",
    )
    .option(
      "--token <secret>",
      "the token to present to --server (env GATEHOUSE_TOKEN, which stays out of `ps`)",
    )
    .option("--context <name>", "run through a named server context (`gatehouse context set`)")
    .version(packageVersion(), "-V, --version", "print the version of gatehouse")
    .showHelpAfterError()
    // Commander's own messages quote what was typed (an unknown option, a bad argument).
    .configureOutput({
      writeOut: (text) => process.stdout.write(forTerminal(text, { tokens: false })),
      writeErr: (text) => process.stderr.write(forTerminal(text)),
    })
    .exitOverride();
  // The command about to run ("schema write"), known once Commander has parsed the arguments.
  let running = "";
  program.hook("preAction", (_program, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    running = names.join(" ");
    refuseRemoteIfLocalOnly({ ...program.opts<GlobalOptions>(), command: running });
  });
  const globals = (): GlobalOptions => ({
    ...program.opts<GlobalOptions>(),
    createsStore: STORE_CREATING_COMMANDS.has(running),
    command: running,
  });
  // One module after another: loaded side by side (every module, for `--help`), one run in
  // about a hundred failed under heavy load with "does not provide an export named ..." from a
  // module two of the imports share; in turn, no import links a module another has in flight.
  for (const module of modulesFor(program, args)) (await module.load())(program, globals);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version output are successes; everything else Commander reports is a usage error.
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    const json = process.argv.includes("--json");
    process.stderr.write(`${formatError(error, json)}\n`);
    return error instanceof GatehouseError ? exitCodeFor(error.kind) : EXIT.internal;
  }
}
