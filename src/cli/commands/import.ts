import type { Command } from "commander";
import { contextOf, type GlobalOptions, streamInput, withGatehouse } from "../context.js";

export function registerImport(program: Command, globals: () => GlobalOptions): void {
  program
    .command("import")
    .argument("<file>", "one relationship a line (resource#relation@subject), or - for standard input")
    .description("import relationships, all or nothing, as one revision (streamed: any size)")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = streamInput(file);
      const started = Date.now();
      const result = await withGatehouse(context, (g) =>
        g.importRelationshipsFrom(context.tenant, input.source, {
          file: input.file,
          actor: context.actor,
          door: "cli",
          onProgress: (done) => {
            const seconds = (Date.now() - started) / 1000;
            context.out.progress(
              `read ${done.toLocaleString("en")} relationships (${Math.round(done / Math.max(seconds, 0.001)).toLocaleString("en")}/s), nothing committed yet`,
            );
          },
        }),
      ).finally(() => context.out.doneProgress());
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.out.result(
        `imported ${result.created} new relationships into tenant \`${context.tenant}\` at revision ${result.revision} (${seconds} s)`,
        { revision: result.revision, created: result.created },
      );
    });
}
