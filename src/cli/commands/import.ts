import type { Command } from "commander";
import { contextOf, type GlobalOptions, streamInput, withOperations } from "../context.js";

export function registerImport(program: Command, globals: () => GlobalOptions): void {
  program
    .command("import")
    .argument("<file>", "one relationship a line (resource#relation@subject), or - for standard input")
    .description("import relationships, all or nothing, as one revision (streamed: any size)")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = streamInput(file);
      const started = Date.now();
      const result = await withOperations(context, (o) => {
        // A server answers once, at the end; locally each batch read is reported.
        context.out.progress(`importing ${input.file} into tenant \`${context.tenant}\` at ${o.where}…`);
        return o.importRelationships(context.tenant, input.source, {
          file: input.file,
          onProgress: (done) => {
            const seconds = (Date.now() - started) / 1000;
            context.out.progress(
              `read ${done.toLocaleString("en")} relationships (${Math.round(done / Math.max(seconds, 0.001)).toLocaleString("en")}/s), nothing committed yet`,
            );
          },
        });
      }).finally(() => context.out.doneProgress());
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.out.result(
        `imported ${result.created} new relationships into tenant \`${context.tenant}\` at revision ${result.revision} (${seconds} s)`,
        { revision: result.revision, created: result.created },
      );
    });
}
