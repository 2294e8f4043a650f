import type { Command } from "commander";
import { GatehouseError } from "../../model/errors.js";
import type { AuditFilter } from "../../service/records.js";
import type { AuditRecordView } from "../../service/views/audit.js";
import { contextOf, type GlobalOptions, withOperations } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { timeOption } from "../time-option.js";

export function registerAudit(program: Command, globals: () => GlobalOptions): void {
  const audit = program.command("audit").description("the audit log: every administrative act, hash-chained");

  audit
    .command("verify")
    .description("check the audit log's hash chain: exit 0 when intact, 1 naming the first bad record")
    .action(async () => {
      const context = contextOf(globals());
      const result = await withOperations(context, (o) => o.verifyAudit());
      context.out.result(
        result.firstBad === undefined
          ? `audit log intact: ${result.checked} record${result.checked === 1 ? "" : "s"} verified`
          : `audit log broken: ${result.firstBad.message} (${result.checked} record${result.checked === 1 ? "" : "s"} before it verified)`,
        result,
      );
      if (!result.ok) process.exitCode = EXIT.negative;
    });

  audit
    .command("list")
    .description("audit records, oldest first; --tenant (the global option) filters by tenant")
    .option("--actor <principal>", "only acts by this principal")
    .option("--action <action>", "only this action, e.g. change.apply or token.create")
    .option(
      "--since <time>",
      "from this UTC time on, inclusive (2030-01-02T03:04:05Z), or from that long ago (2h, 7d)",
    )
    .option("--until <time>", "before this UTC time (or that long ago), exclusive")
    .option("--limit <n>", "at most this many records")
    .action(
      async (options: {
        actor?: string;
        action?: string;
        since?: string;
        until?: string;
        limit?: string;
      }) => {
        // Only a --tenant given on the command line filters: GATEHOUSE_TENANT picks the tenant to
        // act on, and must not silently hide the store-wide records of an audit listing.
        const tenant = globals().tenant;
        const context = contextOf(globals());
        const limit = parseLimit(options.limit);
        const filter: AuditFilter = {
          ...(options.actor !== undefined ? { actor: options.actor } : {}),
          ...(options.action !== undefined ? { action: options.action } : {}),
          ...(tenant !== undefined ? { tenant } : {}),
          ...(options.since !== undefined ? { since: timeOption(options.since, "since") } : {}),
          ...(options.until !== undefined ? { until: timeOption(options.until, "until") } : {}),
          ...(limit !== undefined ? { limit } : {}),
        };
        const records = await withOperations(context, (o) => o.listAudit(filter));
        context.out.result(
          () => (records.length === 0 ? "no audit records" : records.map(auditLine).join("\n")),
          records,
        );
      },
    );
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) {
    throw new GatehouseError("usage", `--limit expects a whole number, 1 or more, got \`${text}\``);
  }
  return Number(text);
}

function auditLine(record: AuditRecordView): string {
  const parts = [
    String(record.seq).padStart(5),
    record.at,
    record.actor.padEnd(12),
    record.action.padEnd(16),
    (record.tenant ?? "-").padEnd(12),
    record.target,
  ];
  if (record.revision !== null) parts.push(`@${record.revision}`);
  if (record.reason !== null) parts.push(`"${record.reason}"`);
  return parts.join("  ");
}
