import type { Command } from "commander";
import { formatSchema } from "../../schema/schema.js";
import { contextOf, type GlobalOptions, readInput, withGatehouse } from "../context.js";
import { note } from "../output.js";

export function registerSchema(program: Command, globals: () => GlobalOptions): void {
  const schema = program
    .command("schema")
    .description("write and read the schema (SpiceDB's schema language)");

  schema
    .command("write")
    .argument("<file>", "schema file, or - for standard input")
    .description("check a schema and store it as a new version")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = readInput(file);
      const version = await withGatehouse(context, (g) =>
        g.writeSchema(input.text, { file: input.file, actor: context.actor }),
      );
      for (const warning of version.warnings) note(`warning: ${warning}`);
      context.out.result(`schema version ${version.version} written at revision ${version.revision}`, {
        version: version.version,
        revision: version.revision,
        warnings: version.warnings,
      });
    });

  schema
    .command("read")
    .description("print the current schema, formatted")
    .action(async () => {
      const context = contextOf(globals());
      const version = await withGatehouse(context, (g) => g.readSchema());
      if (!version) {
        context.out.result("// no schema has been written yet", { schema: null });
        return;
      }
      context.out.result(() => formatSchema(version.text).trimEnd(), {
        schema: version.text,
        version: version.version,
        revision: version.revision,
        createdAt: version.createdAt,
        author: version.author,
      });
    });
}
