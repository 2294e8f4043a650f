import type { Command } from "commander";
import type { PurgeFacts } from "../../changes/purge-facts.js";
import type { ChangeRecord, LifecycleScope } from "../../service/records.js";
import { proposalJson } from "../../service/views/change.js";
import { type CommandContext, contextOf, type GlobalOptions, withGatehouse } from "../context.js";

/** The default directory of purge export bundles, relative to where the command runs. */
export const DEFAULT_EXPORT_DIR = "./gatehouse-exports";

/** Prints a proposed lifecycle change as `change propose` does: its id alone on the first line. */
export function printProposal(
  context: CommandContext,
  record: ChangeRecord,
  what: string,
  purge?: PurgeFacts,
): void {
  const lines = [
    String(record.id),
    `proposed change ${record.id} (${record.intent}): ${what} in tenant \`${record.tenant}\`; next: gatehouse change plan ${record.id}`,
  ];
  if (purge) lines.push(`export bundle written: ${purge.export.path}`, `sha256: ${purge.export.sha256}`);
  context.out.result(lines.join("\n"), proposalJson(record, purge));
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
  const options = (context: CommandContext, reason: string | undefined) => ({
    tenant: context.tenant,
    actor: context.actor,
    ...(reason ? { reason } : {}),
  });

  parent
    .command("delete")
    .argument(`<${noun.toLowerCase()}>`, argument)
    .option("--reason <text>", "why")
    .description(
      `propose the soft deletion of every live relationship of the ${scope}; restorable for the retention window; prints the change id`,
    )
    .action(async (target: string, opts) => {
      const context = contextOf(globals());
      const record = await withGatehouse(context, (g) =>
        g.lifecycle.delete(scope, target, options(context, opts.reason)),
      );
      printProposal(context, record, `delete ${describe(target)}`);
    });

  parent
    .command("restore")
    .argument(`<${noun.toLowerCase()}>`, argument)
    .option("--reason <text>", "why")
    .description(
      `propose the change that brings back exactly what the ${scope}'s applied deletions removed; prints its id`,
    )
    .action(async (target: string, opts) => {
      const context = contextOf(globals());
      const record = await withGatehouse(context, (g) =>
        g.lifecycle.restore(scope, target, options(context, opts.reason)),
      );
      printProposal(
        context,
        record,
        `restore ${describe(target)} (${record.spec.writes.length} relationships)`,
      );
    });

  parent
    .command("purge")
    .argument(`<${noun.toLowerCase()}>`, argument)
    .option("--export-dir <dir>", "where the export bundle is written", DEFAULT_EXPORT_DIR)
    .option("--reason <text>", "why")
    .description(
      `after the retention window: write an export bundle and propose removing for good what the ${scope}'s deletion removed (needs a second person); prints the change id`,
    )
    .action(async (target: string, opts) => {
      const context = contextOf(globals());
      const { change, purge } = await withGatehouse(context, (g) =>
        g.lifecycle.purge(scope, target, { ...options(context, opts.reason), exportDir: opts.exportDir }),
      );
      printProposal(context, change, `purge ${describe(target)}`, purge);
    });
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
      const record = await withGatehouse(context, (g) =>
        g.lifecycle.merge(from, into, {
          tenant: context.tenant,
          actor: context.actor,
          ...(opts.reason ? { reason: opts.reason } : {}),
        }),
      );
      printProposal(context, record, `merge \`${from}\` into \`${into}\``);
    });
}
