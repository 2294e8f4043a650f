import type { Command } from "commander";
import { contextOf, type GlobalOptions, readInput, withGatehouse } from "../context.js";

export function registerImport(program: Command, globals: () => GlobalOptions): void {
  program
    .command("import")
    .argument("<file>", "one relationship a line (resource#relation@subject), or - for standard input")
    .description("import relationships, all or nothing, as one revision")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = readInput(file);
      const started = Date.now();
      const result = await withGatehouse(context, (g) =>
        g.importRelationships(context.tenant, input.text, {
          file: input.file,
          actor: context.actor,
          door: "cli",
          onProgress: (done, total) =>
            context.out.progress(
              `validated ${done.toLocaleString()} of ${total.toLocaleString()} relationships`,
            ),
        }),
      );
      context.out.doneProgress();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.out.result(
        `imported ${result.created.length} new relationships into tenant \`${context.tenant}\` at revision ${result.revision} (${seconds} s)`,
        { revision: result.revision, created: result.created.length },
      );
    });
}
