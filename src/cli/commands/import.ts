import type { Command } from "commander";
import { contextOf, type GlobalOptions, readInput, withOperations } from "../context.js";

export function registerImport(program: Command, globals: () => GlobalOptions): void {
  program
    .command("import")
    .argument("<file>", "one relationship a line (resource#relation@subject), or - for standard input")
    .description("import relationships, all or nothing, as one revision")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = readInput(file);
      const started = Date.now();
      const result = await withOperations(context, (o) => {
        // Local mode reports each step of validation below; a server answers once, at the end.
        context.out.progress(`importing ${input.file} into tenant \`${context.tenant}\` at ${o.where}…`);
        return o.importRelationships(context.tenant, input.text, {
          file: input.file,
          onProgress: (done, total) =>
            context.out.progress(
              `validated ${done.toLocaleString()} of ${total.toLocaleString()} relationships`,
            ),
        });
      });
      context.out.doneProgress();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.out.result(
        `imported ${result.created} new relationships into tenant \`${context.tenant}\` at revision ${result.revision} (${seconds} s)`,
        { revision: result.revision, created: result.created },
      );
    });
}
