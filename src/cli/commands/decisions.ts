import type { Command } from "commander";
import { formatObject, formatSubject } from "../../model/relationship.js";
import { describeSchemaAnswer } from "../../model/schema-answer.js";
import { decisionFilterOf } from "../../service/decision-query.js";
import type { DecisionLoss, DecisionRecord } from "../../service/records.js";
import { contextOf, type GlobalOptions, parseRevision, withGatehouse } from "../context.js";
import { timeOption } from "../time-option.js";
import { wholeNumber } from "./shadow.js";

export function registerDecisions(program: Command, globals: () => GlobalOptions): void {
  const decisions = program
    .command("decisions")
    .description("the decision log: checks as they were answered, with revision and time");

  decisions
    .command("list")
    .description("recorded checks, oldest first (at most --limit, default 1000); --tenant filters by tenant")
    .option("--subject <subject>", "only checks of this exact subject, e.g. user:ann or group:eng#member")
    .option("--resource <object>", "only checks on this resource, e.g. document:readme")
    .option("--permission <name>", "only checks of this permission")
    .option("--result <result>", "only `allowed` or only `denied` checks")
    .option(
      "--schema <answer>",
      "only checks this schema answered: `version:N`, or `candidate:CHANGE_ID` (a rollout's candidate)",
    )
    .option(
      "--since <time>",
      "answered at this UTC time or later (2030-01-02T03:04:05Z), or that long ago (2h, 7d)",
    )
    .option("--until <time>", "answered before this UTC time (or that long ago), exclusive")
    .option("--from-revision <n>", "answered at this revision or later")
    .option("--to-revision <n>", "answered at this revision or earlier")
    .option("--after <seq>", "only records after this sequence number (the next page of a long list)")
    .option("--limit <n>", "at most this many records (default 1000)")
    .action(
      async (options: {
        subject?: string;
        resource?: string;
        permission?: string;
        result?: string;
        schema?: string;
        since?: string;
        until?: string;
        fromRevision?: string;
        toRevision?: string;
        after?: string;
        limit?: string;
      }) => {
        // As for `audit list`: only a --tenant given on the command line filters.
        const tenant = globals().tenant;
        const context = contextOf(globals());
        const filter = decisionFilterOf({
          tenant,
          subject: options.subject,
          resource: options.resource,
          permission: options.permission,
          result: options.result,
          schema: options.schema,
          since: timeOption(options.since, "since"),
          until: timeOption(options.until, "until"),
          fromRevision: parseRevision(options.fromRevision, "--from-revision"),
          toRevision: parseRevision(options.toRevision, "--to-revision"),
          afterSeq: options.after !== undefined ? wholeNumber(options.after, "a sequence number") : undefined,
          limit: options.limit !== undefined ? wholeNumber(options.limit, "a limit") : undefined,
        });
        const { records, losses } = await withGatehouse(context, async (g) => ({
          records: await g.listDecisions(filter),
          losses: await g.decisionLosses({ since: filter.since, until: filter.until }),
        }));
        const lost = losses.map(lossLine);
        context.out.result(
          () =>
            [
              records.length === 0 ? "no recorded decisions" : records.map(decisionLine).join("\n"),
              ...lost,
            ].join("\n"),
          records,
        );
        // --json keeps its shape (the records); the losses go to standard error.
        if (globals().json === true) for (const line of lost) process.stderr.write(`${line}\n`);
      },
    );
}

function decisionLine(d: DecisionRecord): string {
  return [
    String(d.seq).padStart(6),
    d.at,
    d.tenant.padEnd(12),
    `@${d.revision}`.padEnd(6),
    d.allowed ? "allowed" : "denied ",
    `${formatObject(d.resource)}#${d.permission}@${formatSubject(d.subject)}`,
    // Which schema answered; records of an older log do not say.
    ...(d.schema === undefined ? [] : [`(${describeSchemaAnswer(d.schema)})`]),
  ].join("  ");
}

/** One loss, as `decisions list` shows it after the records of its window. */
export function lossLine(loss: DecisionLoss): string {
  const why: Record<DecisionLoss["reason"], string> = {
    buffer_full: "the log's buffer was full",
    store_failed: "the store failed the write",
    closed: "answered after the log closed",
    process_ended: "the process ended before writing them",
  };
  const s = loss.count === 1 ? "" : "s";
  return `LOST: ${loss.count} decision${s} answered ${loss.firstAt} to ${loss.lastAt} have no record (${why[loss.reason]}; process ${loss.process}; any tenant)`;
}
