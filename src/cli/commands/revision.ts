import type { Command } from "commander";
import { GatehouseError } from "../../model/errors.js";
import type { RevisionFilter } from "../../service/records.js";
import type { RevisionView } from "../../service/views/revision.js";
import { contextOf, type GlobalOptions, parseRevision, withOperations } from "../context.js";
import { timeOption } from "../time-option.js";

/** `revision show|list`: who made a write, through which door, and what it did. */
export function registerRevision(program: Command, globals: () => GlobalOptions): void {
  const revision = program
    .command("revision")
    .description("who made each write: actor, door (cli, http, library, change N), request id, counts");

  revision
    .command("show")
    .argument("<revision>", "a revision number")
    .description("who made this revision, through which door, and what it created and deleted")
    .action(async (text: string) => {
      const context = contextOf(globals());
      const number = parseRevision(text, "revision")!;
      const record = await withOperations(context, (o) => o.showRevision(number));
      context.out.result(() => describeRevision(record), record);
    });

  revision
    .command("list")
    .description("revisions, newest first; --tenant (the global option) filters by tenant")
    .option("--actor <principal>", "only writes by this principal")
    .option("--since <time>", "from this UTC time on (2030-01-02T03:04:05Z), or from that long ago (2h, 7d)")
    .option("--limit <n>", "at most this many (default 100)")
    .action(async (options: { actor?: string; since?: string; limit?: string }) => {
      // As `audit list`: only a --tenant given on the command line filters, not GATEHOUSE_TENANT.
      const tenant = globals().tenant;
      const context = contextOf(globals());
      if (options.limit !== undefined && !/^[1-9]\d*$/.test(options.limit))
        throw new GatehouseError(
          "usage",
          `--limit expects a whole number, 1 or more, got \`${options.limit}\``,
        );
      const filter: RevisionFilter = {
        ...(options.actor !== undefined ? { actor: options.actor } : {}),
        ...(tenant !== undefined ? { tenant } : {}),
        ...(options.since !== undefined ? { since: timeOption(options.since, "since") } : {}),
        ...(options.limit !== undefined ? { limit: Number(options.limit) } : {}),
      };
      const records = await withOperations(context, (o) => o.listRevisions(filter));
      context.out.result(
        () => (records.length === 0 ? "no revisions" : records.map(revisionLine).join("\n")),
        records,
      );
    });
}

function describeRevision(r: RevisionView): string {
  return [
    `revision ${r.revision}`,
    `  tenant:     ${r.tenant ?? "(store-wide)"}`,
    `  kind:       ${r.kind}`,
    `  actor:      ${r.actor ?? "(unknown)"}`,
    `  door:       ${r.door ?? "(not recorded)"}`,
    `  request id: ${r.requestId ?? "-"}`,
    `  reason:     ${r.reason ?? "-"}`,
    `  at:         ${r.createdAt}`,
    `  created:    ${r.created}`,
    `  deleted:    ${r.deleted}`,
  ].join("\n");
}

function revisionLine(r: RevisionView): string {
  return [
    String(r.revision).padStart(6),
    r.createdAt,
    (r.tenant ?? "(store)").padEnd(10),
    (r.actor ?? "?").padEnd(12),
    (r.door ?? "-").padEnd(10),
    r.kind.padEnd(13),
    `+${r.created} -${r.deleted}`,
    r.requestId ? ` ${r.requestId}` : "",
    r.reason ? `  ${r.reason}` : "",
  ].join(" ");
}
