import type { Command } from "commander";
import { formatRelationship, parseRelationship } from "../../model/relationship.js";
import { parseFilter } from "../../service/filter-text.js";
import type { UpdateOperation } from "../../service/records.js";
import { contextOf, type GlobalOptions, parseRevision, withOperations } from "../context.js";
import { allPages, parseLimit } from "../pages.js";
import { type TraitOptions, withTraitOptions } from "../trait-options.js";

export function registerRelationship(program: Command, globals: () => GlobalOptions): void {
  const relationship = program
    .command("relationship")
    .description("create, touch, delete and read relationships");

  for (const operation of ["create", "touch", "delete"] as const) {
    const command = relationship
      .command(operation)
      .argument("<resource>", "resource, e.g. document:readme")
      .argument("<relation>", "relation, e.g. viewer")
      .argument("<subject>", "subject, e.g. user:ann or group:eng#member")
      .description(describe(operation));
    if (operation !== "delete")
      command
        .option("--caveat <name>", "the caveat the relationship grants under (`with name` in the schema)")
        .option("--caveat-context <json>", 'the caveat\'s context, a JSON object such as \'{"tz":"UTC"}\'')
        .option("--expires-at <time>", "RFC 3339 time at which it stops granting, e.g. 2027-01-01T00:00:00Z");
    command.action(async (resource: string, relation: string, subject: string, options: TraitOptions) => {
      const context = contextOf(globals());
      const tuple = withTraitOptions(parseRelationship(`${resource}#${relation}@${subject}`), options);
      const result = await withOperations(context, (o) =>
        o.writeRelationships(context.tenant, [{ operation, relationship: tuple }]),
      );
      context.out.result(
        `${formatRelationship(tuple)} ${pastTense(operation)} at revision ${result.revision}`,
        result,
      );
    });
  }

  relationship
    .command("bulk-delete")
    .argument("<resource>", "resource type, optionally with an id: document or document:readme")
    .argument("[relation]", "relation name")
    .argument("[subject]", "subject type, optionally with id and relation: user, user:ann, group:eng#member")
    .option("--reason <text>", "why, recorded with the revision")
    .description("delete every live relationship a filter selects, as one direct write (guards apply)")
    .action(async (resource: string, relation: string | undefined, subject: string | undefined, options) => {
      const context = contextOf(globals());
      parseFilter(resource, relation, subject); // a malformed filter is refused here, in both modes
      const result = await withOperations(context, (o) =>
        o.deleteRelationships(context.tenant, { resource, relation, subject }, options.reason),
      );
      context.out.result(
        `deleted ${result.deleted.length} relationship${result.deleted.length === 1 ? "" : "s"} at revision ${result.revision}`,
        result,
      );
    });

  relationship
    .command("read")
    .argument("[resource]", "resource type, optionally with an id: document or document:readme")
    .argument("[relation]", "relation name")
    .argument("[subject]", "subject type, optionally with id and relation: user, user:ann, group:eng#member")
    .option("--at-revision <revision>", "read as of a past revision")
    .option("--limit <n>", "print at most this many (default: every one, read page by page)")
    .description("list live relationships that match a filter")
    .action(
      async (
        resource: string | undefined,
        relation: string | undefined,
        subject: string | undefined,
        options,
      ) => {
        const context = contextOf(globals());
        parseFilter(resource, relation, subject);
        const atRevision = parseRevision(options.atRevision, "--at-revision");
        const limit = parseLimit(options.limit);
        const { items: rows } = await withOperations(context, (o) =>
          allPages(
            limit,
            (page) =>
              o.readRelationships(context.tenant, { resource, relation, subject }, { atRevision, ...page }),
            (page) => page.relationships,
          ),
        );
        context.out.result(() => rows.map((r) => r.relationship).join("\n"), rows);
      },
    );
}

function describe(operation: UpdateOperation): string {
  switch (operation) {
    case "create":
      return "create a relationship (fails if it already exists)";
    case "touch":
      return "create a relationship, or leave it if it exists";
    case "delete":
      return "delete a relationship (fails if it does not exist)";
  }
}

function pastTense(operation: UpdateOperation): string {
  return operation === "create" ? "created" : operation === "touch" ? "touched" : "deleted";
}
