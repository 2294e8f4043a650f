import type { Command } from "commander";
import type { SchemaWriteFacts } from "../../changes/schema-write.js";
import { GatehouseError } from "../../model/errors.js";
import { formatSchema } from "../../schema/schema.js";
import type { SchemaWrittenView } from "../../service/operations.js";
import { contextOf, type GlobalOptions, readInput, withOperations } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../output.js";

function formatHeldBack(facts: SchemaWriteFacts): string {
  const lines = [
    String(facts.change),
    `schema not written: nothing went live; proposed as change ${facts.change} (${facts.lost} access${facts.lost === 1 ? "" : "es"} lost, ${facts.gained} gained)`,
  ];
  for (const s of facts.summary.slice(0, 20))
    lines.push(`  ${s.tenant}  ${s.resourceType}#${s.permission}  -${s.lost} +${s.gained}`);
  if (facts.summary.length > 20) lines.push(`  … and ${facts.summary.length - 20} more lines`);
  for (const why of facts.blockedBecause) lines.push(`blocked: ${why}`);
  lines.push(
    `next: gatehouse change show ${facts.change}; gatehouse change approve ${facts.change} --as SOMEONE-ELSE; gatehouse change apply ${facts.change}`,
  );
  return lines.join("\n");
}

export function registerSchema(program: Command, globals: () => GlobalOptions): void {
  const schema = program
    .command("schema")
    .description("write and read the schema (SpiceDB's schema language)");

  schema
    .command("write")
    .argument("<file>", "schema file, or - for standard input")
    .option("--reason <text>", "why, for the reviewer and the audit trail")
    .description(
      "check a schema and store it as a new version; on a store with relationships it is planned first, and held back as a change when it takes access away or a guard fails (exit 6, the change id on the first line)",
    )
    .action(async (file: string, options: { reason?: string }) => {
      const context = contextOf(globals());
      const input = readInput(file);
      let version: SchemaWrittenView;
      try {
        version = await withOperations(context, (o) =>
          o.writeSchema(input.text, { file: input.file, reason: options.reason }),
        );
      } catch (error) {
        if (!(error instanceof GatehouseError) || error.kind !== "refused" || error.facts === undefined)
          throw error;
        // Held back by its plan: the change's id first, as `change propose` prints it.
        const facts = error.facts as unknown as SchemaWriteFacts;
        context.out.result(() => formatHeldBack(facts), { applied: false, ...facts });
        note(`error: ${error.message}`);
        process.exitCode = EXIT.refused;
        return;
      }
      for (const warning of version.warnings) note(`warning: ${warning}`);
      const through =
        version.change === null
          ? ""
          : ` through change ${version.change} (nobody loses access${version.gained > 0 ? `; ${version.gained} access${version.gained === 1 ? "" : "es"} gained: gatehouse change show ${version.change}` : ""})`;
      context.out.result(
        `schema version ${version.version} written at revision ${version.revision}${through}`,
        {
          applied: true,
          version: version.version,
          revision: version.revision,
          change: version.change,
          gained: version.gained,
          lost: version.lost,
          warnings: version.warnings,
        },
      );
    });

  schema
    .command("read")
    .description("print the current schema, formatted")
    .action(async () => {
      const context = contextOf(globals());
      const version = await withOperations(context, (o) => o.readSchema());
      if (!version) {
        context.out.result("// no schema has been written yet", { schema: null });
        return;
      }
      context.out.result(() => formatSchema(version.schema).trimEnd(), {
        schema: version.schema,
        version: version.version,
        revision: version.revision,
        createdAt: version.createdAt,
        author: version.author,
      });
    });
}
