import type { Command } from "commander";
import type { PurgeFacts } from "../../changes/purge-facts.js";
import type { ChangeRecord } from "../../store/change-records.js";
import type { LifecycleScope } from "../../store/lifecycle-records.js";
import { type CommandContext, type GlobalOptions } from "../context.js";
/** The default directory of purge export bundles, relative to where the command runs. */
export declare const DEFAULT_EXPORT_DIR = "./gatehouse-exports";
/** Prints a proposed lifecycle change as `change propose` does: its id alone on the first line. */
export declare function printProposal(context: CommandContext, record: ChangeRecord, what: string, purge?: PurgeFacts): void;
/** `delete`, `restore` and `purge` of a subject or a tenant: the same three commands. */
export declare function registerLifecycleCommands(parent: Command, scope: LifecycleScope, globals: () => GlobalOptions): void;
export declare function registerSubject(program: Command, globals: () => GlobalOptions): void;
