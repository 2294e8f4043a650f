import type { Command, Option } from "commander";
import type { GlobalOptions } from "./context.js";

/** What each module of commands exports: adds its commands to the program. */
export type RegisterCommands = (program: Command, globals: () => GlobalOptions) => void;

/** A module of commands and the top-level commands it adds. */
export interface CommandModule {
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommands>;
}

/**
 * Every module of commands, in the order `gatehouse --help` lists them. A command loads only its
 * own module: the modules import the whole service between them (the store drivers, TypeBox, the
 * YAML parser, the metrics of `serve`), which cost a cold command about 0.5 s of CPU before it
 * did anything. `names` must match what `load` adds (test/cli/command-modules.test.ts checks it).
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ["schema"], load: async () => (await import("./commands/schema.js")).registerSchema },
  {
    names: ["relationship"],
    load: async () => (await import("./commands/relationship.js")).registerRelationship,
  },
  { names: ["import"], load: async () => (await import("./commands/import.js")).registerImport },
  { names: ["revision"], load: async () => (await import("./commands/revision.js")).registerRevision },
  {
    names: ["permission"],
    load: async () => (await import("./commands/permission.js")).registerPermission,
  },
  { names: ["validate"], load: async () => (await import("./commands/validate.js")).registerValidate },
  {
    names: ["change", "restore", "guards"],
    load: async () => (await import("./commands/change.js")).registerChange,
  },
  { names: ["demo"], load: async () => (await import("./commands/demo.js")).registerDemo },
  { names: ["serve"], load: async () => (await import("./commands/serve.js")).registerServe },
  { names: ["index"], load: async () => (await import("./commands/index-snapshot.js")).registerIndex },
  { names: ["token"], load: async () => (await import("./commands/token.js")).registerToken },
  { names: ["rollout"], load: async () => (await import("./commands/rollout.js")).registerRollout },
  { names: ["audit"], load: async () => (await import("./commands/audit.js")).registerAudit },
  { names: ["shadow"], load: async () => (await import("./commands/shadow.js")).registerShadow },
  { names: ["replay"], load: async () => (await import("./commands/replay.js")).registerReplay },
  { names: ["subject"], load: async () => (await import("./commands/subject.js")).registerSubject },
  { names: ["tenant"], load: async () => (await import("./commands/tenant.js")).registerTenant },
  {
    names: ["retention"],
    load: async () => (await import("./commands/retention.js")).registerRetention,
  },
  { names: ["access"], load: async () => (await import("./commands/access.js")).registerAccess },
  {
    names: ["decisions"],
    load: async () => (await import("./commands/decisions.js")).registerDecisions,
  },
  { names: ["incident"], load: async () => (await import("./commands/incident.js")).registerIncident },
  { names: ["context"], load: async () => (await import("./commands/context.js")).registerContext },
];

const isFlag = (option: Option, flag: string): boolean => option.long === flag || option.short === flag;

/**
 * The modules a command line needs, read the way Commander reads the program's own options
 * (`Command.parseOptions`): the first word that is neither one of them nor its value names the
 * command, and only its module is loaded. Anything less certain loads every module, which is
 * always right (it is what Commander then reads): no word (help), a word that names no command
 * (help for it, or "unknown command" with a suggestion), `--`, or an option the program does not
 * know (Commander leaves the rest of the line to a subcommand). `--version` before any word needs
 * none: Commander prints the version as soon as it reads the option.
 */
export function modulesFor(program: Command, args: readonly string[]): readonly CommandModule[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.length > 1 && arg.startsWith("-")) {
      const option = program.options.find((known) => isFlag(known, arg));
      if (option?.optional === true) return COMMAND_MODULES;
      if (option !== undefined) {
        if (option.long === "--version") return [];
        if (option.required) i++;
        continue;
      }
      const equals = arg.indexOf("=");
      const withValue =
        equals > 2 ? program.options.find((known) => isFlag(known, arg.slice(0, equals))) : undefined;
      if (arg.startsWith("--") && withValue?.required === true) continue;
      return COMMAND_MODULES;
    }
    const module = COMMAND_MODULES.find((candidate) => candidate.names.includes(arg));
    return module === undefined ? COMMAND_MODULES : [module];
  }
  return COMMAND_MODULES;
}
