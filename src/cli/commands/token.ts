import type { Command } from "commander";
import { parseRole } from "../../service/tokens.js";
import { contextOf, type GlobalOptions, withOperations } from "../context.js";

export function registerToken(program: Command, globals: () => GlobalOptions): void {
  const token = program
    .command("token")
    .description("API tokens for the HTTP server (on the store, or through a server as an admin)");

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
      const created = await withOperations(context, (o) =>
        o.createToken({
          name: options.name,
          role: parseRole(options.role),
          tenants: options.tenants ?? null,
        }),
      );
      context.out.result(
        `${created.secret}\ntoken \`${created.name}\` (${created.role}${created.tenants ? `, tenants ${created.tenants.join(", ")}` : ""}); the secret above is shown only now`,
        created,
      );
    });

  token
    .command("list")
    .description("list tokens (never their secrets)")
    .action(async () => {
      const context = contextOf(globals());
      const tokens = await withOperations(context, (o) => o.listTokens());
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
      const record = await withOperations(context, (o) => o.revokeToken(name));
      context.out.result(`token \`${record.name}\` revoked`, record);
    });
}
