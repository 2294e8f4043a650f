import type { Command } from "commander";
import type { CheckRequest } from "../../engine/engine.js";
import { GatehouseError } from "../../model/errors.js";
import { RELATION_NAME } from "../../model/names.js";
import { parseObject, parseSubject } from "../../model/relationship.js";
import type { CaveatContext } from "../../schema/caveats/context-values.js";
import { checkBatchLines, parseCheckLines } from "../../service/tuple-lines.js";
import type { CheckBatchView } from "../../service/views/query.js";
import { parseCaveatContext } from "../caveat-context-option.js";
import {
  type CommandContext,
  contextOf,
  type GlobalOptions,
  parseRevision,
  readInput,
  withOperations,
} from "../context.js";
import { EXIT } from "../exit-codes.js";
import { explainJson, formatExplain } from "../output.js";
import { allPages, parseLimit } from "../pages.js";

function permissionName(text: string): string {
  if (!RELATION_NAME.test(text)) {
    throw new GatehouseError(
      "input",
      `invalid permission name \`${text}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`,
    );
  }
  return text;
}

export function registerPermission(program: Command, globals: () => GlobalOptions): void {
  const permission = program.command("permission").description("check permissions and look up who has them");

  permission
    .command("check")
    .argument("[resource]", "resource, e.g. document:readme")
    .argument("[permission]", "permission or relation, e.g. view")
    .argument("[subject]", "subject, e.g. user:ann or group:eng#member")
    .option("--explain", "print why the answer is what it is")
    .option(
      "--caveat-context <json>",
      'values for the parameters of the caveats the check meets, a JSON object such as \'{"ip":"10.0.0.1"}\'',
    )
    .option(
      "--batch <file>",
      "check one resource#permission@subject a line (- for standard input); prints true or false a line",
    )
    .option("--at-least <revision>", "answer at this revision or newer")
    .option("--fail-on-deny", "exit 1 when any answer is false")
    .description("check whether a subject has a permission on a resource")
    .action(
      async (
        resource: string | undefined,
        name: string | undefined,
        subject: string | undefined,
        options,
      ) => {
        const context = contextOf(globals());
        const atLeastRevision = parseRevision(options.atLeast, "--at-least");
        if (options.batch !== undefined) {
          if (resource !== undefined)
            throw new GatehouseError(
              "usage",
              "--batch reads its checks from the file; give no RESOURCE PERMISSION SUBJECT",
            );
          if (options.explain === true)
            throw new GatehouseError("usage", "--explain explains one check; it cannot be used with --batch");
          // Read before the file, so that a bad context is named before any line is.
          const batchContext = parseCaveatContext(options.caveatContext);
          const input = readInput(options.batch);
          const { results, conditional, revision, schema } =
            batchContext === undefined
              ? await checkLines(context, input, atLeastRevision)
              : await checkLinesWith(context, input, atLeastRevision, batchContext);
          // A conditional answer reads as a single check's does (it is not a plain `false`), as
          // the HTTP text batch answers; the output adds the last line's newline itself.
          context.out.result(() => checkBatchLines({ results, conditional }).slice(0, -1), {
            results,
            ...(conditional ? { conditional } : {}),
            revision,
            schema,
          });
          if (options.failOnDeny && results.includes(false)) process.exitCode = EXIT.negative;
          return;
        }
        if (resource === undefined || name === undefined || subject === undefined) {
          throw new GatehouseError(
            "usage",
            "permission check needs RESOURCE PERMISSION SUBJECT (or --batch FILE)",
          );
        }
        const request: CheckRequest = {
          resource: parseObject(resource, { field: "resource" }, "resource"),
          permission: permissionName(name),
          subject: parseSubject(subject, { field: "subject" }),
          ...withContext(parseCaveatContext(options.caveatContext)),
        };
        const {
          allowed,
          conditional,
          revision,
          schema,
          explain: tree,
        } = await withOperations(context, (o) =>
          o.check(context.tenant, request, { atLeastRevision, explain: options.explain === true }),
        );
        // A conditional answer is not `true`, and not a plain `false` either: it says what is missing.
        const answer = conditional ? `conditional ${missingText(conditional)}` : String(allowed);
        context.out.result(() => (tree ? `${answer}\n${formatExplain(tree)}` : answer), {
          allowed,
          ...(conditional ? { conditional } : {}),
          revision,
          schema,
          ...(tree ? { explain: explainJson(tree) } : {}),
        });
        if (options.failOnDeny && !allowed) process.exitCode = EXIT.negative;
      },
    );

  permission
    .command("lookup-resources")
    .argument("<type>", "resource type, e.g. document")
    .argument("<permission>", "permission, e.g. view")
    .argument("<subject>", "subject, e.g. user:ann")
    .option("--at-least <revision>", "answer at this revision or newer")
    .option("--limit <n>", "print at most this many (default: every one, read page by page)")
    .option(
      "--caveat-context <json>",
      'values for the parameters of the caveats the checks meet (answers that need more are listed as conditional), a JSON object such as \'{"ip":"10.0.0.1"}\'',
    )
    .description("list the resources of a type on which the subject has the permission")
    .action(async (type: string, name: string, subject: string, options) => {
      const context = contextOf(globals());
      const ref = parseSubject(subject, { field: "subject" });
      const atLeastRevision = parseRevision(options.atLeast, "--at-least");
      const limit = parseLimit(options.limit);
      const lookupContext = withContext(parseCaveatContext(options.caveatContext));
      const {
        items: found,
        first: { revision, schema },
      } = await withOperations(context, (o) =>
        allPages(
          limit,
          (page) =>
            o.lookupResources(context.tenant, type, permissionName(name), ref, {
              atLeastRevision,
              ...lookupContext,
              ...page,
            }),
          (page): { resource: string; missing?: string[] }[] => [
            ...page.resources.map((resource) => ({ resource })),
            ...(page.conditional ?? []),
          ],
        ),
      );
      const resources = found.filter((f) => f.missing === undefined).map((f) => f.resource);
      const conditional = found.filter((f) => f.missing !== undefined);
      context.out.result(
        () =>
          found
            .sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0))
            .map((f) => (f.missing ? `${f.resource} conditional ${missingText(f.missing)}` : f.resource))
            .join("\n"),
        { resources, ...(conditional.length > 0 ? { conditional } : {}), revision, schema },
      );
    });

  permission
    .command("lookup-subjects")
    .argument("<resource>", "resource, e.g. document:readme")
    .argument("<permission>", "permission, e.g. view")
    .argument("<subject-type>", "subject type, e.g. user, or group#member for usersets")
    .option("--at-least <revision>", "answer at this revision or newer")
    .option("--limit <n>", "print at most this many (default: every one, read page by page)")
    .option(
      "--caveat-context <json>",
      'values for the parameters of the caveats the checks meet (answers that need more are listed as conditional), a JSON object such as \'{"ip":"10.0.0.1"}\'',
    )
    .description("list the subjects of a type that have the permission on the resource")
    .action(async (resource: string, name: string, subjectType: string, options) => {
      const context = contextOf(globals());
      const object = parseObject(resource, { field: "resource" }, "resource");
      const [type, relation] = subjectType.split("#") as [string, string | undefined];
      const atLeastRevision = parseRevision(options.atLeast, "--at-least");
      const limit = parseLimit(options.limit);
      const lookupContext = withContext(parseCaveatContext(options.caveatContext));
      const {
        items: found,
        first: { revision, schema },
      } = await withOperations(context, (o) =>
        allPages(
          limit,
          (page) =>
            o.lookupSubjects(context.tenant, object, permissionName(name), type, relation, {
              atLeastRevision,
              ...lookupContext,
              ...page,
            }),
          (page): { subject: string; excluded: string[]; missing?: string[] }[] => [
            ...page.subjects,
            ...(page.conditional ?? []),
          ],
        ),
      );
      const subjects = found.filter((s) => s.missing === undefined);
      const conditional = found.filter((s) => s.missing !== undefined);
      context.out.result(
        () =>
          // A page lists granted and conditional subjects apart; printed, they are one sorted list
          // (`*` sorts before every id, so the wildcard stays first).
          found
            .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))
            .map((s) => {
              const except = s.excluded.length > 0 ? ` (except ${s.excluded.join(", ")})` : "";
              return s.missing
                ? `${s.subject}${except} conditional ${missingText(s.missing)}`
                : `${s.subject}${except}`;
            })
            .join("\n"),
        { subjects, ...(conditional.length > 0 ? { conditional } : {}), revision, schema },
      );
    });
}

/** `(missing ip, tz)`: the context parameters a conditional answer waits for. */
/**
 * `--batch` without a context: the text goes to the store as it is (a local store answers it as
 * it reads it, `Gatehouse.checkBatchText`). A malformed line is still named before a problem with
 * the store (or server) is: the lines are read when the call fails, and their error wins.
 */
async function checkLines(
  context: CommandContext,
  input: { text: string; file: string },
  atLeastRevision: number | undefined,
): Promise<CheckBatchView> {
  try {
    return await withOperations(context, (o) =>
      o.checkBatchText(context.tenant, input.text, input.file, { atLeastRevision }),
    );
  } catch (error) {
    parseCheckLines(input.text, input.file);
    throw error;
  }
}

/** `--batch` with `--caveat-context`: the context goes with every check (a line cannot carry one). */
async function checkLinesWith(
  context: CommandContext,
  input: { text: string; file: string },
  atLeastRevision: number | undefined,
  batchContext: CaveatContext,
): Promise<CheckBatchView> {
  // The batch parser of the hot path (no place built per good line); places only on error.
  const { requests, lines } = parseCheckLines(input.text, input.file);
  return withOperations(context, (o) =>
    o.checkBatch(
      context.tenant,
      requests.map((request) => ({ ...request, context: batchContext })),
      { atLeastRevision, placeOf: (i) => ({ file: input.file, line: lines[i]! }) },
    ),
  );
}

function missingText(missing: readonly string[]): string {
  return `(missing ${missing.join(", ")})`;
}

function withContext(context: CaveatContext | undefined): { context?: CaveatContext } {
  return context !== undefined ? { context } : {};
}
