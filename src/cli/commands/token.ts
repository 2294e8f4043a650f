import type { Command } from "commander";
import { parseRole } from "../../service/tokens.js";
import { newTokenJson } from "../../service/views/token.js";
import { contextOf, type GlobalOptions, withGatehouse } from "../context.js";

export function registerToken(program: Command, globals: () => GlobalOptions): void {
  const token = program
    .command("token")
    .description("API tokens for the HTTP server (local, against the store)");

  token
    .command("create")
    .requiredOption("--name <name>", "the principal the token acts as")
    .requiredOption(
      "--role <role>",
      "check, write, propose, approve or admin (each includes the ones before)",
    )
    .option("--tenants <tenants...>", "limit the token to these tenants")
    .description("create a token; prints its secret once (only a hash is stored)")
    .action(async (options) => {
      const context = contextOf({ ...globals(), tenant: undefined });
      const { token: record, secret } = await withGatehouse(context, (g) =>
        g.tokens.create({
          name: options.name,
          role: parseRole(options.role),
          tenants: options.tenants ?? null,
          actor: context.actor,
        }),
      );
      context.out.result(
        `${secret}\ntoken \`${record.name}\` (${record.role}${record.tenants ? `, tenants ${record.tenants.join(", ")}` : ""}); the secret above is shown only now`,
        newTokenJson(record, secret),
      );
    });

  token
    .command("list")
    .description("list tokens (never their secrets)")
    .action(async () => {
      const context = contextOf(globals());
      const tokens = await withGatehouse(context, (g) => g.tokens.list());
      context.out.result(
        () =>
          tokens
            .map(
              (t) =>
                `${t.name.padEnd(20)} ${t.role.padEnd(8)} ${(t.tenants?.join(",") ?? "all tenants").padEnd(24)} ${t.revokedAt ? `revoked ${t.revokedAt}` : `created ${t.createdAt}`}`,
            )
            .join("\n") || "no tokens",
        tokens,
      );
    });

  token
    .command("revoke")
    .argument("<name>", "token name")
    .description("revoke a token")
    .action(async (name: string) => {
      const context = contextOf(globals());
      const record = await withGatehouse(context, (g) => g.tokens.revoke(name, context.actor));
      context.out.result(`token \`${record.name}\` revoked`, record);
    });
}
