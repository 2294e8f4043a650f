import type { Command } from "commander";
import type { ExpiringAccess } from "../../changes/expiry-forecast.js";
import { contextOf, type GlobalOptions, withGatehouse } from "../context.js";
import { env } from "../env.js";

/** One forecast line: when, who, what, and whether access under a condition remains. */
function line(row: ExpiringAccess): string {
  const except = row.except?.length ? ` (except ${row.except.join(", ")})` : "";
  const how = row.stillConditional
    ? ` (keeps it only when ${row.stillConditional.missing.join(", ")} is given)`
    : row.conditional
      ? " (conditional access)"
      : "";
  const tenant = row.tenant === "default" ? "" : `${row.tenant} `;
  return `${row.at}  ${tenant}${row.subject}${except} loses ${row.permission} on ${row.resource}${how}`;
}

export function registerAccess(program: Command, globals: () => GlobalOptions): void {
  const access = program.command("access").description("forecasts of effective access");
  access
    .command("expiring")
    .requiredOption("--within <duration>", "how far ahead, e.g. 7d, 24h, 2w")
    .description(
      "who will lose which access when, because relationships expire (in --tenant, or every tenant without it)",
    )
    .action(async (options) => {
      const global = globals();
      const context = contextOf(global);
      // Without --tenant (or GATEHOUSE_TENANT) the forecast covers every tenant.
      const tenant = global.tenant ?? env("GATEHOUSE_TENANT");
      const forecast = await withGatehouse(context, (g) =>
        g.expiringAccess({ within: options.within, tenant }),
      );
      const head = `${forecast.expiring.length} access${forecast.expiring.length === 1 ? "" : "es"} end${forecast.expiring.length === 1 ? "s" : ""} by expiration between ${forecast.from} and ${forecast.until}`;
      context.out.result([head, ...forecast.expiring.map(line)].join("\n"), forecast);
    });
}
