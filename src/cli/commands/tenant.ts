import type { Command } from "commander";
import type { GlobalOptions } from "../context.js";
import { registerLifecycleCommands } from "./subject.js";

export function registerTenant(program: Command, globals: () => GlobalOptions): void {
  const tenant = program
    .command("tenant")
    .description("soft delete, restore and purge a whole tenant (every relationship in it)");
  registerLifecycleCommands(tenant, "tenant", globals);
}
