import type { Command } from "commander";
import { GatehouseError } from "../../model/errors.js";
import { contextOf, type GlobalOptions, withOperations } from "../context.js";

export function registerRetention(program: Command, globals: () => GlobalOptions): void {
  const retention = program
    .command("retention")
    .description("how long deleted subjects and tenants stay restorable before a purge is possible");
  retention
    .command("show")
    .description("print the retention window in force")
    .action(async () => {
      const context = contextOf(globals());
      const setting = await withOperations(context, (o) => o.retention());
      context.out.result(
        `retention: ${setting.days} days${setting.setBy ? ` (set by ${setting.setBy} at ${setting.setAt})` : " (the default)"}`,
        setting,
      );
    });
  retention
    .command("set")
    .requiredOption("--days <n>", "whole days, 1 or more")
    .option("--reason <text>", "why")
    .description("set the retention window for this store (audited)")
    .action(async (options) => {
      const context = contextOf(globals());
      if (!/^\d+$/.test(options.days))
        throw new GatehouseError("usage", `--days expects a whole number of days, got \`${options.days}\``);
      const setting = await withOperations(context, (o) =>
        o.setRetention(Number(options.days), options.reason || undefined),
      );
      context.out.result(`retention set to ${setting.days} days by ${setting.setBy}`, setting);
    });
  retention
    .command("collect")
    .option("--reason <text>", "why")
    .description(
      "remove for good the relationships that expired longer ago than the retention window (audited)",
    )
    .action(async (options) => {
      const context = contextOf(globals());
      const collected = await withOperations(context, (o) => o.collectExpired(options.reason || undefined));
      context.out.result(
        `removed ${collected.removed} relationship row${collected.removed === 1 ? "" : "s"} that expired at or before ${collected.expiredBy} (retention ${collected.days} days)`,
        collected,
      );
    });
}
