import type { Command } from "commander";
import type { LifecycleScope } from "../../service/records.js";
import type { LifecycleProposalView } from "../../service/views/change.js";
import { type CommandContext, contextOf, type GlobalOptions, withOperations } from "../context.js";

/** The default directory of purge export bundles, relative to where the command runs. */
export const DEFAULT_EXPORT_DIR = "./gatehouse-exports";

/** Prints a proposed lifecycle change as `change propose` does: its id alone on the first line. */
export function printProposal(context: CommandContext, proposal: LifecycleProposalView, what: string): void {
  const lines = [
    String(proposal.id),
    `proposed change ${proposal.id} (${proposal.intent}): ${what} in tenant \`${proposal.tenant}\`; next: gatehouse change plan ${proposal.id}`,
  ];
  const purge = proposal.purge;
  if (purge) lines.push(`export bundle written: ${purge.export.path}`, `sha256: ${purge.export.sha256}`);
  context.out.result(lines.join("\n"), proposal);
}

/** `delete`, `restore` and `purge` of a subject or a tenant: the same three commands. */
export function registerLifecycleCommands(
  parent: Command,
  scope: LifecycleScope,
  globals: () => GlobalOptions,
): void {
  const noun = scope === "subject" ? "SUBJECT" : "TENANT";
  const argument = scope === "subject" ? "the subject, `type:id` (e.g. account:a1)" : "the tenant";
  const describe = (target: string) => (scope === "subject" ? `\`${target}\`` : `tenant \`${target}\``);
  const propose = async (
    operation: "delete" | "restore" | "purge",
    target: string,
    opts: { reason?: string; exportDir?: string },
  ) => {
    const context = contextOf(globals());
    const { proposal, writes } = await withOperations(context, (o) => {
      // A purge reads every revision of what it removes and writes the export bundle first.
      if (operation === "purge")
        context.out.progress(`writing the export bundle of ${describe(target)} at ${o.where}…`);
      return o.proposeLifecycle(operation, scope, scope === "tenant" ? target : context.tenant, target, {
        reason: opts.reason,
        exportDir: opts.exportDir ?? DEFAULT_EXPORT_DIR,
      });
    });
    context.out.doneProgress();
    const what =
      operation === "restore"
        ? `restore ${describe(target)} (${writes} relationships)`
        : `${operation} ${describe(target)}`;
    printProposal(context, proposal, what);
  };

  parent
    .command("delete")
    .argument(`<${noun.toLowerCase()}>`, argument)
    .option("--reason <text>", "why")
    .description(
      `propose the soft deletion of every live relationship of the ${scope}; restorable for the retention window; prints the change id`,
    )
    .action((target: string, opts) => propose("delete", target, opts));

  parent
    .command("restore")
    .argument(`<${noun.toLowerCase()}>`, argument)
    .option("--reason <text>", "why")
    .description(
      `propose the change that brings back exactly what the ${scope}'s applied deletions removed; prints its id`,
    )
    .action((target: string, opts) => propose("restore", target, opts));

  parent
    .command("purge")
    .argument(`<${noun.toLowerCase()}>`, argument)
    .option(
      "--export-dir <dir>",
      "where the export bundle is written (through a server: the server's own --export-dir)",
      DEFAULT_EXPORT_DIR,
    )
    .option("--reason <text>", "why")
    .description(
      `after the retention window: write an export bundle and propose removing for good what the ${scope}'s deletion removed (needs a second person); prints the change id`,
    )
    .action((target: string, opts) => propose("purge", target, opts));
}

export function registerSubject(program: Command, globals: () => GlobalOptions): void {
  const subject = program
    .command("subject")
    .description("soft delete, restore, merge and purge a subject (every relationship it is part of)");
  registerLifecycleCommands(subject, "subject", globals);
  subject
    .command("merge")
    .argument("<from>", "the duplicate, `type:id`")
    .argument("<into>", "the real subject, `type:id`")
    .option("--reason <text>", "why")
    .description(
      "propose moving every relationship of a duplicate onto the real subject (intent merge); prints the change id",
    )
    .action(async (from: string, into: string, opts) => {
      const context = contextOf(globals());
      const proposal = await withOperations(context, (o) =>
        o.mergeSubjects(context.tenant, from, into, opts.reason || undefined),
      );
      printProposal(context, proposal, `merge \`${from}\` into \`${into}\``);
    });
}
